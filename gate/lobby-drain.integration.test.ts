/**
 * A lobby drained with SIGTERM in a real cluster (main.ts processes on the harness's etcd,
 * FerretDB and Redis: two gates, three lobbies) while its players keep playing:
 *
 * - the arena: players in the field start space of each lobby send requests without a pause
 *   (their view, a step, the leaderboard, a global that one lobby runs); the drained lobby marks
 *   itself draining, moves its players to the fields of the other lobbies and the leaderboard
 *   with them when it holds it, waits until they answer there, and exits. No request fails;
 *   each player keeps its hero; the drained lobby leaves discovery;
 * - the inventory: players buy items (each saved at once) while their lobby drains; every item
 *   acknowledged is in the inventory the player sees on its new lobby, and in the store.
 */
import { Etcd3 } from 'etcd3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectGate, type GateClient } from '../client-sim/node-client.js';
import { login, register } from '../client-sim/login.js';
import { connectMongoStore } from '../engine/persist/mongo-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
const PLAYERS = 6;
/** Generous: under load a drain's moves may take seconds; the test waits for them, it does not time them. */
const DRAIN_TIMEOUT_MS = 30_000;

/** A client that sends requests one after the other until told to stop, keeping what failed. */
interface Player {
  user: string;
  client: GateClient;
  failures: string[];
  answered: number;
  stop(): Promise<void>;
}

let cluster: ProcessCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
}, 60_000);

async function start(name: string, game: string): Promise<ProcessCluster> {
  cluster = await startProcessCluster({
    name: `${name}-${process.pid}`,
    etcdUrl: inject('etcdUrl'),
    mongoUrl: inject('mongoUrl'),
    redisUrl: inject('redisUrl'),
    gates: 2,
    lobbies: 3,
    // A buy is answered once saved: a store slowed by a loaded machine gets up to the gate's deadline
    // (5 s) for it, not the 2 s default after which the player hears LOBBY_ERR_STORE.
    extraArgs: ['--game', game, '--lobby.drainTimeoutMs', String(DRAIN_TIMEOUT_MS), '--lobby.criticalWaitMs', '4500'],
    // Each new session goes to the next lobby: every lobby has players to move.
    gateArgs: ['--gate.lobbyPolicy', 'round-robin'],
  });
  await register(cluster.loginUrl, 'probe', PASSWORD);
  await waitUntil('a gate offered at login', () => login(cluster!.loginUrl, 'probe', PASSWORD), 15_000, 200);
  return cluster;
}

/** The account id (uid) of each user name registered. */
const accounts = new Map<string, string>();

async function connect(c: ProcessCluster, user: string): Promise<GateClient> {
  accounts.set(user, await register(c.loginUrl, user, PASSWORD));
  const { token, gate } = await login(c.loginUrl, user, PASSWORD);
  const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
  await client.auth(token);
  return client;
}

/** Runs `step` over and over on `client` until stopped. */
function play(user: string, client: GateClient, step: (client: GateClient, i: number) => Promise<unknown>): Player {
  const player: Player = { user, client, failures: [], answered: 0, stop: async () => undefined };
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        await step(client, i);
        player.answered++;
      } catch (err) {
        const e = err as { serverCode?: string; code?: string; message?: string };
        player.failures.push(`${user}: ${e.serverCode ?? e.code ?? ''} ${e.message ?? String(err)}`);
      }
    }
  })();
  player.stop = async () => {
    running = false;
    await loop;
  };
  return player;
}

/** Sends SIGTERM to the lobby that `serverId` names and waits for it to exit by itself. */
async function drain(c: ProcessCluster, serverId: string): Promise<{ code: number | null; output: string }> {
  const index = (await Promise.all(c.lobbies.map((lobby) => c.serverIdOf(lobby)))).indexOf(serverId);
  const lobby = c.lobbies[index]!;
  lobby.child.kill('SIGTERM');
  await waitUntil(`lobby ${serverId} exited after its drain`, () => lobby.child.exitCode !== null || lobby.child.signalCode !== null, DRAIN_TIMEOUT_MS + 30_000, 200);
  return { code: lobby.child.exitCode, output: lobby.output() };
}

async function registered(c: ProcessCluster, serverId: string): Promise<boolean> {
  const etcd = new Etcd3({ hosts: inject('etcdUrl') });
  try {
    return (await etcd.get(`${c.prefix}servers/${serverId}`).string()) !== null;
  } finally {
    etcd.close();
  }
}

/** What the arena's `arena.look` answers, as far as this test reads it (the client sees the game only over the wire). */
interface View {
  you?: { id: string };
  space?: { id: string; type: string };
}

describe('a lobby that drains moves its players', () => {
  it('moves the arena players of a drained lobby to the fields of the others, with no failed request, and leaves discovery', async () => {
    const c = await start('drain-arena', 'examples/arena');
    const users = Array.from({ length: PLAYERS }, (_, i) => `arena-drain-${i}`);
    const clients = await Promise.all(users.map((user) => connect(c, user)));
    const look = (client: GateClient): Promise<View> => client.request<View>('arena.look');
    // Each hero is in the field of its lobby: the field's id names the lobby.
    const before = await Promise.all(clients.map(async (client) => waitUntil('a hero in its field', async () => ((await look(client)).space?.type === 'field' ? look(client) : undefined), 15_000, 100)));
    const lobbyOf = (view: View): string => view.space!.id.slice('field@'.length);
    const drained = lobbyOf(before[0]!);
    const moving = before.filter((view) => lobbyOf(view) === drained).length;
    expect(moving).toBeGreaterThan(0);

    const players = clients.map((client, i) =>
      play(users[i]!, client, (cl, n) => (n % 3 === 0 ? cl.request('Controls.move', 0, 0).catch((err: { serverCode?: string }) => {
        // A monster may down a hero that stands still: that refusal is play, not a fault.
        if (err.serverCode !== 'ARENA_ERR_DEAD') throw err;
      }) : n % 3 === 1 ? look(cl) : cl.request('leaderboard.top', 5))),
    );
    await waitUntil('players answered before the drain', () => players.every((p) => p.answered > 5), 15_000, 50);

    const { code, output } = await drain(c, drained);
    const answeredAtExit = players.map((p) => p.answered);
    await waitUntil('players answered after the drain', () => players.every((p, i) => p.answered > answeredAtExit[i]! + 5), 15_000, 50);
    await Promise.all(players.map((p) => p.stop()));

    expect(players.flatMap((p) => p.failures)).toEqual([]);
    expect(code).toBe(0);
    expect(output).toMatch(/cluster: draining/);
    expect(output).toMatch(new RegExp(`lobby: drained by migration.*"players":${moving}.*"left":0`));
    expect(await registered(c, drained)).toBe(false);
    const after = await Promise.all(clients.map(look));
    after.forEach((view, i) => {
      expect(view.you?.id).toBe(before[i]!.you!.id);
      expect(view.space?.type).toBe('field');
      expect(lobbyOf(view)).not.toBe(drained);
    });
    for (const client of clients) client.close();
  }, 180_000);

  it('keeps every item bought while the lobby drains: on the new lobby and in the store', async () => {
    const c = await start('drain-inventory', 'examples/inventory');
    const users = Array.from({ length: PLAYERS }, (_, i) => `inventory-drain-${i}`);
    const clients = await Promise.all(users.map((user) => connect(c, user)));
    const bought = new Map<string, string[]>(users.map((user) => [user, []]));
    const players = clients.map((client, i) => {
      const user = users[i]!;
      // Every fifth request buys an item (free: the price is 0); the others echo.
      return play(user, client, async (cl, n) => {
        if (n % 5 !== 0 || bought.get(user)!.length >= 60) return cl.request('Echo.echo', n);
        const item = `item-${n}`;
        await cl.request('Inventory.buy', item, 0);
        bought.get(user)!.push(item);
      });
    });
    await waitUntil('players bought before the drain', () => users.every((user) => bought.get(user)!.length > 2), 15_000, 50);

    const servers = await Promise.all(c.lobbies.map((lobby) => c.serverIdOf(lobby)));
    const drained = servers[0]!;
    const { code, output } = await drain(c, drained);
    const countAtExit = users.map((user) => bought.get(user)!.length);
    await waitUntil('players bought after the drain', () => users.every((user, i) => bought.get(user)!.length > countAtExit[i]! + 2), 15_000, 50);
    await Promise.all(players.map((p) => p.stop()));

    expect(players.flatMap((p) => p.failures)).toEqual([]);
    expect(code).toBe(0);
    expect(output).toMatch(/lobby: drained by migration.*"left":0/);
    expect(await registered(c, drained)).toBe(false);
    // The inventory each player sees now holds every item it was answered for, in order.
    for (const [i, client] of clients.entries()) {
      const changed = new Promise<{ items: string[] }>((resolve) => client.on('inventory.changed', (body) => resolve(body as { items: string[] })));
      await client.request('Inventory.buy', 'last', 0);
      expect((await changed).items).toEqual([...bought.get(users[i]!)!, 'last']);
    }
    for (const client of clients) client.close();
    // Saved at once when bought: the store has them all.
    const store = await connectMongoStore({ url: inject('mongoUrl'), database: c.database, clock: new SystemClock(), logger: new MemoryLogger() });
    try {
      for (const user of users) {
        const doc = await store.load('Avatar', `avatar-${accounts.get(user)}`);
        expect((doc?.data['components'] as { Inventory?: { items?: string[] } } | undefined)?.Inventory?.items).toEqual([...bought.get(user)!, 'last']);
      }
    } finally {
      await store.close();
    }
  }, 180_000);
});
