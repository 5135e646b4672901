/**
 * A gate that drains moves its clients (real processes: a login service, two gates, two lobbies
 * on the harness's etcd, FerretDB and Redis): players on one gate, over TCP, WebSocket and KCP
 * with the Node SDK, over WebSocket with the browser SDK in Node, and one with the browser SDK in
 * Chromium (the bundle of client-sim/browser-client.ts, driven by playwright-core), send requests
 * without pause while that gate is stopped with SIGTERM. Each is told `sys.move`, resumes its
 * session on the other gate by itself, and no request fails; the drained gate exits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectBrowser } from '../client-sim/browser-client.js';
import type { WebSocketClass } from '../client-sim/browser-transport.js';
import type { ClientTransportKind } from '../client-sim/client-transport.js';
import type { GateClient, GateMove } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import type * as BrowserClient from '../client-sim/browser-client.js';
import { findBinary } from '../engine/testing/find-binary.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
/** Players per way of connecting. */
const PER_KIND = 2;
const KINDS = ['tcp', 'ws', 'kcp', 'browser'] as const;

interface Player {
  kind: (typeof KINDS)[number];
  client: GateClient;
  sessionId: string;
  moves: GateMove[];
  closes: string[];
  ok: number;
  failures: string[];
  items: string[];
}

/** What the player in Chromium has seen, read from its page. */
interface PagePlayer {
  sessionId: string;
  gateId: string;
  ok: number;
  failures: string[];
  moves: { gateId: string; resumed: boolean; to: string; error?: string }[];
  closes: string[];
}

/** Serves an empty page that loads `bundle` as `window.Tessera`, on a loopback port. */
async function servePage(bundle: string): Promise<{ origin: string; close(): Promise<void> }> {
  const http: Server = createServer((req, res) => {
    if (req.url === '/tessera.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>tessera</title><script src="/tessera.js"></script>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

describe('draining a gate moves its clients to another gate (real processes)', () => {
  let cluster: ProcessCluster;
  const clients: GateClient[] = [];
  let browser: Browser;
  let page: Page;
  let pageServer: Awaited<ReturnType<typeof servePage>>;

  beforeAll(async () => {
    // Before anything starts: a missing browser fails here, naming scripts/setup.sh.
    const executablePath = findBinary('chromium');
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('../client-sim/browser-client.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'Tessera',
      write: false,
      logLevel: 'silent',
    });
    pageServer = await servePage(bundled.outputFiles[0]!.text);
    browser = await chromium.launch({ executablePath });
    page = await browser.newPage();
    await page.goto(`${pageServer.origin}/`);
    cluster = await startProcessCluster({
      name: `gate-drain-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      leaseTtlSeconds: 2,
      gateArgs: ['--gate.drainMoveMs', '20000'],
    });
    await register(cluster.loginUrl, 'probe', PASSWORD);
    await waitUntil('both gates offered at login', async () => (await login(cluster.loginUrl, 'probe', PASSWORD)).gates.length === 2, 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) if (client.isOpen) client.close();
    await browser?.close();
    await pageServer?.close();
    await cluster?.stop();
  }, 30_000);

  /**
   * A player in Chromium on the gate `gate` names, logged in here (the page connects to the
   * gates only, so no CORS is involved), asking without pause until the test says stop.
   */
  async function pagePlayer(gate: { ws?: string; publicKey: string }): Promise<void> {
    await register(cluster.loginUrl, 'mover-chromium', PASSWORD);
    const { token, gates } = await login(cluster.loginUrl, 'mover-chromium', PASSWORD);
    await page.evaluate(
      async ({ token, gates, url, gateKey }) => {
        const T = (globalThis as unknown as { Tessera: typeof BrowserClient }).Tessera;
        const client = await T.connectBrowser({ url, gateKey, gates });
        const session = await client.auth(token);
        const player = { sessionId: session.sessionId, gateId: session.gateId, ok: 0, failures: [] as string[], moves: [] as PagePlayer['moves'], closes: [] as string[], running: true };
        client.onMove((move) => player.moves.push({ gateId: move.gateId, resumed: move.resumed, to: move.to, ...(move.error ? { error: move.error.message } : {}) }));
        client.onClose((_reason, err) => player.closes.push(err.code));
        (globalThis as unknown as { player: typeof player; client: typeof client }).player = player;
        (globalThis as unknown as { client: typeof client }).client = client;
        void (async () => {
          for (let i = 0; player.running; i++) {
            try {
              if ((await client.request('Echo.echo', i)) === i) player.ok++;
              else player.failures.push(`echo ${i} answered otherwise`);
            } catch (err) {
              player.failures.push(String(err));
            }
          }
        })();
      },
      { token, gates, url: gate.ws!, gateKey: gate.publicKey },
    );
  }

  const pageState = (): Promise<PagePlayer & { sessionNow: string; gateNow: string }> =>
    page.evaluate(() => {
      const { player, client } = globalThis as unknown as { player: PagePlayer; client: { session: { sessionId: string; gateId: string } } };
      return { ...player, sessionNow: client.session.sessionId, gateNow: client.session.gateId };
    });

  async function newPlayer(kind: Player['kind'], n: number): Promise<Player> {
    const username = `mover-${kind}-${n}`;
    await register(cluster.loginUrl, username, PASSWORD);
    const result = await login(cluster.loginUrl, username, PASSWORD);
    const gate = cluster.gates[0]!.ready.gate!;
    const transport: ClientTransportKind = kind === 'browser' ? 'ws' : kind;
    const client =
      kind === 'browser'
        ? await connectBrowser({ url: gate.ws!, gateKey: gate.publicKey, gates: result.gates, WebSocket: WebSocket as unknown as WebSocketClass })
        : await connectGate({ endpoint: gate[transport]!, transport, gateKey: gate.publicKey, gates: result.gates });
    clients.push(client);
    const reply = await client.auth(result.token);
    const player: Player = { kind, client, sessionId: reply.sessionId, moves: [], closes: [], ok: 0, failures: [], items: [] };
    client.onMove((move) => player.moves.push(move));
    client.onClose((_reason, err) => player.closes.push(err.code));
    client.on('inventory.changed', (body) => (player.items = (body as { items: string[] }).items));
    return player;
  }

  /** Requests one after the other until `running()` is false. */
  async function keepAsking(player: Player, running: () => boolean): Promise<void> {
    for (let i = 0; running(); i++) {
      try {
        expect(await player.client.request('Echo.echo', i)).toBe(i);
        player.ok++;
      } catch (err) {
        player.failures.push(String(err));
      }
    }
  }

  it('tells every client to move, serves them meanwhile, and they resume on the other gate: the same sessions, no failed request', async () => {
    const [drained, other] = cluster.gates as [(typeof cluster.gates)[0], (typeof cluster.gates)[0]];
    const otherId = await cluster.serverIdOf(other);
    const players = await Promise.all(KINDS.flatMap((kind) => Array.from({ length: PER_KIND }, (_, n) => newPlayer(kind, n))));
    for (const player of players) await player.client.request('Inventory.buy', 'before the move', 1);
    await pagePlayer(drained.ready.gate!);

    let running = true;
    const asking = players.map((player) => keepAsking(player, () => running));
    await waitUntil('every player answered', async () => players.every((p) => p.ok > 3) && (await pageState()).ok > 3, 15_000, 50);
    const exitCode = await drained.stop('SIGTERM');
    await waitUntil('every player moved', async () => players.every((p) => p.moves.length === 1) && (await pageState()).moves.length === 1, 30_000, 50);
    const okAtMove = players.map((p) => p.ok);
    const pageOkAtMove = (await pageState()).ok;
    await waitUntil('every player answered after its move', async () => players.every((p, i) => p.ok > okAtMove[i]! + 3) && (await pageState()).ok > pageOkAtMove + 3, 15_000, 50);
    running = false;
    await Promise.all(asking);
    await page.evaluate(() => void ((globalThis as unknown as { player: { running: boolean } }).player.running = false));

    expect(exitCode).toBe(0);
    for (const player of players) {
      expect({ kind: player.kind, failures: player.failures, closes: player.closes }).toEqual({ kind: player.kind, failures: [], closes: [] });
      expect(player.moves[0]).toMatchObject({ gateId: otherId, resumed: true });
      expect(player.moves[0]!.error).toBeUndefined();
      expect(player.client.session).toMatchObject({ sessionId: player.sessionId, gateId: otherId });
      const transport = player.kind === 'browser' ? 'ws' : player.kind;
      expect(player.client.endpoint).toBe(other.ready.gate![transport]);
      // The same avatar: what it bought before the move is there.
      await player.client.request('Inventory.buy', 'after the move', 0);
      expect(player.items).toEqual(['before the move', 'after the move']);
    }
    const inChromium = await pageState();
    expect({ failures: inChromium.failures, closes: inChromium.closes }).toEqual({ failures: [], closes: [] });
    expect(inChromium.moves).toEqual([{ gateId: otherId, resumed: true, to: other.ready.gate!.ws }]);
    expect({ session: inChromium.sessionNow, gate: inChromium.gateNow }).toEqual({ session: inChromium.sessionId, gate: otherId });
    expect(drained.output()).toContain('gate: every client moved');
    const ms = players.map((p) => Math.round(p.moves[0]!.ms)).sort((a, b) => a - b);
    console.log(`gate drained: ${players.length} players moved in ${ms[0]}..${ms.at(-1)} ms (median ${ms[Math.floor(ms.length / 2)]}), ${players.reduce((n, p) => n + p.ok, 0) + inChromium.ok} requests answered (${inChromium.ok} in Chromium), none failed`);
    // The lobbies kept every session: none was closed by the move.
    const lines = cluster.lobbies.flatMap((l) => l.output().split('\n'));
    expect(lines.filter((line) => line.includes('lobby: session closed'))).toEqual([]);
  }, 120_000);
});
