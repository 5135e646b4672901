/**
 * The admin dashboard in a real browser: Debian's Chromium, driven by playwright-core, against a
 * cluster of real processes (a services process with an admin account configured, a gate and a
 * lobby on the harness's etcd, FerretDB and Redis). The administrator logs in through the page's
 * form and sees the cluster's servers and the load charts drawing; finds a player of the Node SDK
 * by username, sends it a message and one to everyone, which it receives, and kicks it with a
 * reason, and the player's connection closes with that reason; last, drains the lobby, which
 * leaves the cluster.
 * Screenshots go to `.tmp/test-results/admin/` (ignored by git): dashboard.png, session.png,
 * kicked.png.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../../../client-sim/gate-client.js';
import { login, register } from '../../../client-sim/login.js';
import { connectGate } from '../../../client-sim/node-client.js';
import type { CloseReason } from '../../../engine/protocol/kick.js';
import { findBinary } from '../../../engine/testing/find-binary.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../../../gate/fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
const ADMIN = `boss${process.pid}`;
const PLAYER = `player${process.pid}`;
/** The first lines' colours (web/load-charts.ts): one per server of the cluster. */
const LINE_COLORS = ['#0072b2', '#e69f00', '#009e73'];
const RESULTS = fileURLToPath(new URL('../../../.tmp/test-results/admin/', import.meta.url));

let cluster: ProcessCluster;
let browser: Browser;
let player: GateClient;
let playerUid: string;

beforeAll(async () => {
  // Before anything starts: a missing browser fails here, naming scripts/setup.sh.
  const executablePath = findBinary('chromium');
  await mkdir(RESULTS, { recursive: true });
  cluster = await startProcessCluster({
    name: `admin-dashboard-${process.pid}`,
    etcdUrl: inject('etcdUrl'),
    mongoUrl: inject('mongoUrl'),
    redisUrl: inject('redisUrl'),
    gates: 1,
    lobbies: 1,
    extraArgs: ['--admin.accounts', ADMIN],
  });
  await register(cluster.loginUrl, ADMIN, PASSWORD);
  playerUid = await register(cluster.loginUrl, PLAYER, PASSWORD);
  // The login service answers 503 LOGIN_ERR_NO_GATE until it has seen the gate in etcd.
  const { token, gate } = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, PLAYER, PASSWORD), 15_000, 200);
  player = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
  await player.auth(token);
  browser = await chromium.launch({ executablePath });
}, 120_000);

afterAll(async () => {
  if (player?.isOpen) player.close();
  await browser?.close();
  await cluster?.stop();
}, 30_000);

async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(RESULTS, name);
  await page.screenshot({ path: file, fullPage: true });
  expect((await stat(file)).size).toBeGreaterThan(1_000);
}

describe('the admin dashboard in a browser', () => {
  // A generous limit: real processes on shared cores, and charts that need a few polls two seconds apart.
  it('logs in as an administrator, shows the servers and their load, messages and kicks a player, and drains a lobby', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`${err.name}: ${err.message}`));
    await page.goto(`${cluster.loginUrl}/admin`);

    // A player is not an administrator: the page says so and stays on its login form.
    await page.getByLabel('Username', { exact: true }).fill(PLAYER);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForFunction(() => document.querySelector('#status.error')?.textContent?.startsWith('ADMIN_ERR_FORBIDDEN: '));
    expect(await page.locator('#login-view').isVisible()).toBe(true);

    await page.getByLabel('Username', { exact: true }).fill(ADMIN);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    // Every server of the cluster has a row with its type.
    const ids = await Promise.all(cluster.all().map((p) => cluster.serverIdOf(p)));
    for (const id of ids) await page.locator(`#servers-body tr[data-server="${id}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator('#servers-body tr').count()).toBe(3);
    expect(await page.locator('#servers-body td:nth-child(2)').allTextContents()).toEqual(['gate', 'lobby', 'services']);
    expect(await page.getByRole('button', { name: /^Drain / }).count()).toBe(3);

    // The sessions chart has drawn a few samples, with a line for the gate that holds the player.
    await page.waitForFunction(() => Number(document.querySelector('figure[data-measure="sessions"]')?.getAttribute('data-points')) >= 3, undefined, { timeout: 20_000 });
    // Its canvas has pixels in the lines' colours (web/load-charts.ts), not only axes and grid.
    const linePixels = await page.evaluate((colors) => {
      const canvas = document.querySelector<HTMLCanvasElement>('figure[data-measure="sessions"] canvas')!;
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (colors.includes(`#${[data[i]!, data[i + 1]!, data[i + 2]!].map((c) => c.toString(16).padStart(2, '0')).join('')}`)) count++;
      return count;
    }, LINE_COLORS);
    expect(linePixels).toBeGreaterThan(50);
    const gateId = ids[cluster.all().indexOf(cluster.gates[0]!)]!;
    expect(await page.locator('figure[data-measure="sessions"] .latest').textContent()).toContain(`${gateId} 1`);
    await screenshot(page, 'dashboard.png');

    // Find the player by username: online, on the gate.
    await page.getByLabel('Search by').selectOption('username');
    await page.getByLabel('Username or account id').fill(PLAYER);
    await page.getByRole('button', { name: 'Search' }).click();
    const details = page.locator('#session-details');
    await details.waitFor();
    await page.waitForFunction(() => document.querySelector('#session-details')?.textContent?.includes('yes'));
    expect(await details.textContent()).toContain(playerUid);
    expect(await details.textContent()).toContain(gateId);
    await screenshot(page, 'session.png');

    // Send it a message: the player receives it as a system message.
    const message = new Promise<{ text: string; from: string }>((resolve) => player.on('sys.message', (body) => resolve(body as { text: string; from: string })));
    await page.getByLabel('Message to this player').fill('server restarts in 5 minutes');
    await page.getByRole('button', { name: 'Send message' }).click();
    expect(await message).toMatchObject({ text: 'server restarts in 5 minutes', from: 'admin' });
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Message delivered.');

    // Message everyone: the one player online receives it.
    const everyone = new Promise<{ text: string }>((resolve) => player.on('sys.message', (body) => resolve(body as { text: string })));
    await page.getByLabel('Message to every player online').fill('maintenance tonight');
    await page.getByRole('button', { name: 'Send to everyone' }).click();
    expect(await everyone).toMatchObject({ text: 'maintenance tonight', from: 'admin' });
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'Message sent: 1 delivered, 0 offline.');

    // Kick it with a reason: the player's connection closes with that reason.
    const reason = 'cheating in the arena';
    const closed = new Promise<CloseReason>((resolve) => player.onClose(resolve));
    await page.getByLabel('Kick reason').fill(reason);
    await page.getByRole('button', { name: 'Kick' }).click();
    const why = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the player is still connected')), 10_000))]);
    expect(why.byPeer).toBe(true);
    expect(why.name).toBe('GATE_ERR_KICKED');
    expect(why.message).toContain(reason);
    await page.waitForFunction((text) => document.querySelector('#status')?.textContent?.includes(text), `Kicked ${PLAYER}: ${reason}`);
    await screenshot(page, 'kicked.png');

    // Drain the lobby, confirming the page's question: it leaves the cluster and the table.
    const lobbyId = ids[cluster.all().indexOf(cluster.lobbies[0]!)]!;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Drain ${lobbyId}` }).click();
    await page.waitForFunction((text) => document.querySelector('#status')?.textContent === text, `${lobbyId} is draining.`);
    await page.locator(`#servers-body tr[data-server="${lobbyId}"]`).waitFor({ state: 'detached', timeout: 20_000 });
    await cluster.lobbies[0]!.exited;
    expect(errors).toEqual([]);
  }, 90_000);
});
