/// <reference lib="dom" />
/**
 * The admin dashboard, served at `/admin` by the services role: log in with an admin account,
 * then the cluster's servers (with Drain), live load charts polled from `/admin/stats` every two
 * seconds, a player search with Kick and Message, and a message to everyone. The page
 * (dashboard-page.ts) holds the forms; this script wires them. The token lives in the tab's
 * session storage, so that a reload keeps the login until the token expires.
 */
import { AdminClient, AdminRequestError } from './admin-client.js';
import { byId } from './dom.js';
import { formatAnswered, formatClock } from './format.js';
import { LoadCharts } from './load-charts.js';
import { renderServers } from './servers-table.js';
import { wireSessionPanel } from './session-panel.js';
import { StatsHistory } from './stats-history.js';

/** Between the end of one poll and the start of the next. */
const POLL_MS = 2_000;
/** Samples kept for the charts: ten minutes at one every two seconds. */
const HISTORY = 300;
const TOKEN_KEY = 'tessera-admin-token';

const client = new AdminClient(sessionStorage.getItem(TOKEN_KEY) ?? undefined);
const history = new StatsHistory(HISTORY);
const charts = new LoadCharts(byId('charts'));
/** Bumped at each login and logout: a poll loop of an earlier login stops. */
let generation = 0;

function say(text: string, error = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

function fail(err: unknown): void {
  if (err instanceof AdminRequestError && err.unauthenticated) {
    logout('Your login has expired or was refused: log in again.');
    return;
  }
  say(err instanceof Error ? err.message : String(err), true);
}

function showCluster(account: string | undefined): void {
  byId('login-view').hidden = true;
  byId('cluster-view').hidden = false;
  byId('logout').hidden = false;
  const who = byId('who');
  who.textContent = account ? `Logged in as ${account}` : 'Logged in';
  who.hidden = false;
  void poll(++generation);
}

function logout(text: string): void {
  generation++;
  client.token = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  byId('cluster-view').hidden = true;
  byId('logout').hidden = true;
  byId('who').hidden = true;
  byId('login-view').hidden = false;
  say(text);
}

/** Refreshes the servers table and the charts, then again every {@link POLL_MS} while `mine` is the current login. */
async function poll(mine: number): Promise<void> {
  while (mine === generation) {
    try {
      const [servers, stats] = await Promise.all([client.servers(), client.stats()]);
      if (mine !== generation) return;
      renderServers(byId<HTMLTableSectionElement>('servers-body'), servers, stats.at, drain);
      if (history.add(stats)) charts.update(history);
      byId('updated').textContent = `Updated ${formatClock(stats.at)} UTC: ${formatAnswered(stats.servers.length, stats.servers.filter((s) => !s.ok).length)}.`;
    } catch (err) {
      if (mine !== generation) return;
      fail(err);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function drain(id: string): void {
  client.drain(id).then(() => say(`${id} is draining.`), fail);
}

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const username = byId<HTMLInputElement>('username').value;
  const password = byId<HTMLInputElement>('password');
  // A refused login (a 401 too) is said as it is, not as an expired one.
  client.login(username, password.value).then((result) => {
    password.value = '';
    sessionStorage.setItem(TOKEN_KEY, result.token);
    say(`Logged in as ${username}.`);
    showCluster(result.account.username);
  }, (err: unknown) => say(err instanceof Error ? err.message : String(err), true));
});
byId('logout').addEventListener('click', () => logout('Logged out.'));
byId<HTMLFormElement>('broadcast-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = byId<HTMLTextAreaElement>('broadcast-text');
  client.message({ everyone: true }, text.value).then(({ delivered, offline }) => {
    say(`Message sent: ${delivered} delivered, ${offline} offline.`);
    text.value = '';
  }, fail);
});
wireSessionPanel(client, (text) => say(text), fail);
if (client.token) showCluster(undefined);
