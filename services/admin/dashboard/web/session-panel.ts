/// <reference lib="dom" />
/**
 * Finding a player and acting on the session: the search form (by username or account id), where
 * the session is (gate, session, lobby, avatar, space), and the Kick (with a reason) and Message forms
 * that act on the account found.
 */
import type { AdminClient, SessionKey } from './admin-client.js';
import type { SessionInfo } from './admin-types.js';
import { byId, textElement } from './dom.js';

/** The rows the session's description list shows, in order: label and value. */
export function sessionRows(info: SessionInfo): [string, string][] {
  const rows: [string, string][] = [['Account', info.account]];
  if (info.username !== undefined) rows.push(['Username', info.username]);
  rows.push(['Online', info.online ? 'yes' : 'no']);
  for (const [label, value] of [['Gate', info.gate], ['Session', info.session], ['Lobby', info.lobby], ['Avatar', info.avatar], ['Space', info.space]] as const) if (value !== undefined) rows.push([label, value]);
  return rows;
}

/** Wires the session search and its Kick and Message forms. */
export function wireSessionPanel(client: AdminClient, say: (text: string) => void, fail: (err: unknown) => void): void {
  const result = byId('session-result');
  let found: SessionInfo | undefined;
  const show = (info: SessionInfo): void => {
    found = info;
    byId('session-details').replaceChildren(...sessionRows(info).flatMap(([label, value]) => [textElement('dt', label), textElement('dd', value)]));
    result.hidden = false;
    // Kick needs a session to end; a message to an account offline is counted as not delivered.
    byId<HTMLButtonElement>('kick').disabled = !info.online;
  };
  byId<HTMLFormElement>('session-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const by = byId<HTMLSelectElement>('session-by').value as SessionKey;
    const query = byId<HTMLInputElement>('session-query').value;
    client.session(by, query).then((info) => {
      show(info);
      say(`${info.username ?? info.account} is ${info.online ? 'online' : 'offline'}.`);
    }, (err: unknown) => {
      found = undefined;
      result.hidden = true;
      fail(err);
    });
  });
  byId<HTMLFormElement>('kick-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!found) return;
    const info = found;
    const reason = byId<HTMLInputElement>('kick-reason').value.trim();
    client.kick(info.account, reason).then((kicked) => {
      say(kicked ? `Kicked ${info.username ?? info.account}: ${reason}` : `${info.username ?? info.account} had no session to kick.`);
      show({ account: info.account, ...(info.username === undefined ? {} : { username: info.username }), online: false });
    }, fail);
  });
  byId<HTMLFormElement>('message-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!found) return;
    const text = byId<HTMLInputElement>('message-text').value;
    client.message({ account: found.account }, text).then(({ delivered }) => say(delivered > 0 ? 'Message delivered.' : 'The player is offline: message not delivered.'), fail);
  });
}
