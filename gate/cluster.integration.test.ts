/**
 * The gate in a real cluster: main.ts processes (a login service, two gates, two lobbies) on the
 * harness's etcd, FerretDB and Redis, driven by the client SDK over TCP.
 */
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GateClient } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import { login, register, type LoginResult } from '../client-sim/login.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import type { MainProcess } from '../engine/testing/main-process.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const LEASE_TTL_MS = 2_000;
/** Past the lease: etcd's expiry, the gate's watch, the bind on the other lobby and its store load. */
const REBIND_MARGIN_MS = 6_000;
const PASSWORD = 'correct-horse-battery';

interface Inventory {
  gold: number;
  items: string[];
}

describe('a cluster of gates and lobbies (real processes)', () => {
  let cluster: ProcessCluster;
  let mongo: MongoClient;
  let redis: Redis;
  const clients: GateClient[] = [];
  let accounts = 0;

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `gate-cluster-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      leaseTtlSeconds: LEASE_TTL_MS / 1000,
      // Each new session goes to the next lobby, so that both lobbies hold players whatever the
      // lobbies' load reports say.
      gateArgs: ['--gate.lobbyPolicy', 'round-robin'],
    });
    mongo = new MongoClient(inject('mongoUrl'), { serverSelectionTimeoutMS: 5_000 });
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
    // The login service answers 503 LOGIN_ERR_NO_GATE until it has seen a gate in etcd.
    const probe = await newAccount();
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, probe.username, PASSWORD), 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) if (client.isOpen) client.close();
    await mongo?.close();
    await redis?.quit();
    await cluster?.stop();
  }, 30_000);

  async function newAccount(): Promise<{ username: string; uid: string }> {
    const username = `player${accounts++}`;
    return { username, uid: await register(cluster.loginUrl, username, PASSWORD) };
  }

  async function connect(endpoint: { tcp?: string; publicKey: string }): Promise<GateClient> {
    const client = await connectGate({ endpoint: endpoint.tcp!, transport: 'tcp', gateKey: endpoint.publicKey });
    clients.push(client);
    return client;
  }

  /** Registers, logs in, connects to the gate the login service named and authenticates. */
  async function newPlayer(): Promise<{ uid: string; username: string; login: LoginResult; client: GateClient }> {
    const { username, uid } = await newAccount();
    const result = await login(cluster.loginUrl, username, PASSWORD);
    const client = await connect(result.gate);
    await client.auth(result.token);
    return { uid, username, login: result, client };
  }

  /** Resolves with the body of the next push on `route`. */
  function nextPush<T>(client: GateClient, route: string, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${route} push within ${timeoutMs} ms`)), timeoutMs);
      const off = client.on(route, (body) => {
        clearTimeout(timer);
        off();
        resolve(body as T);
      });
    });
  }

  /** The lobby whose log says it bound the session of `uid` last (console lines start with an ISO time). */
  function lobbyBinding(uid: string): MainProcess | undefined {
    let last: { time: string; lobby: MainProcess } | undefined;
    for (const lobby of cluster.lobbies) {
      for (const line of lobby.output().split('\n')) {
        const match = /^(\S+) .*lobby: session bound (\{.*\})\s*$/.exec(line);
        if (!match || (JSON.parse(match[2]!) as { uid: string }).uid !== uid) continue;
        if (!last || match[1]! >= last.time) last = { time: match[1]!, lobby };
      }
    }
    return last?.lobby;
  }

  async function savedInventory(uid: string): Promise<Inventory | undefined> {
    const doc = await mongo
      .db(cluster.database)
      .collection<{ _id: string; components: { Inventory: Inventory } }>('Avatar')
      .findOne({ _id: `avatar-${uid}` });
    return doc?.components.Inventory;
  }

  it('logs a player in over HTTP, answers a request through the gate and pushes a purchase', async () => {
    const { uid, login: result, client } = await newPlayer();
    expect(result.uid).toBe(uid);
    expect(cluster.gates.map((g) => g.ready.gate!.tcp)).toContain(result.gate.tcp);
    expect(client.session).toMatchObject({ uid, resumed: false, gateId: result.gate.id });

    expect(await client.request('Echo.echo', { hello: 'cluster', n: 42 })).toEqual({ hello: 'cluster', n: 42 });
    const changed = nextPush<Inventory>(client, 'inventory.changed');
    await client.request('Inventory.buy', 'sword', 30);
    expect(await changed).toEqual({ gold: 70, items: ['sword'] });
  });

  it('kicks the first connection with GATE_ERR_DUPLICATE_LOGIN when the same account logs in on the other gate', async () => {
    const first = await newPlayer();
    const closed = new Promise<CloseReason>((resolve) => first.client.onClose(resolve));
    const bought = nextPush<Inventory>(first.client, 'inventory.changed');
    await first.client.request('Inventory.buy', 'shield', 25);
    expect(await bought).toEqual({ gold: 75, items: ['shield'] });

    const other = cluster.gates.find((g) => g.ready.gate!.tcp !== first.login.gate.tcp)!;
    expect(other).toBeDefined();
    const again = await login(cluster.loginUrl, first.username, PASSWORD);
    const second = await connect(other.ready.gate!);
    const reply = await second.auth(again.token);
    expect(reply.uid).toBe(first.uid);
    expect(reply.gateId).not.toBe(first.client.session!.gateId);

    const reason = await Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('first connection still open')), 5_000))]);
    expect(reason).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN', code: 4104 });
    expect(first.client.isOpen).toBe(false);

    // The second session works, on the avatar the first one saved when it was kicked.
    expect(await second.request('Echo.echo', 'still here')).toBe('still here');
    const probed = nextPush<Inventory>(second, 'inventory.changed');
    await second.request('Inventory.buy', 'potion', 0);
    expect(await probed).toEqual({ gold: 75, items: ['shield', 'potion'] });
  });

  it('rebinds the players of a lobby killed with SIGKILL to the other lobby, with their saved avatars', async () => {
    const [victim, survivor] = cluster.lobbies as [MainProcess, MainProcess];
    const survivorId = await cluster.serverIdOf(survivor);
    // Players until each lobby holds two (round-robin alternates; bounded in case it does not).
    const players: { uid: string; client: GateClient; lobby: MainProcess; saved: Inventory }[] = [];
    while (players.filter((p) => p.lobby === victim).length < 2 || players.filter((p) => p.lobby === survivor).length < 2) {
      expect(players.length).toBeLessThan(10);
      const { uid, client } = await newPlayer();
      const lobby = await waitUntil(`the lobby of ${uid}`, () => lobbyBinding(uid), 5_000);
      const price = players.length + 1;
      const changed = nextPush<Inventory>(client, 'inventory.changed');
      await client.request('Inventory.buy', `gem-${price}`, price);
      const saved = { gold: 100 - price, items: [`gem-${price}`] };
      expect(await changed).toEqual(saved);
      players.push({ uid, client, lobby, saved });
    }
    // A critical save is started at once but not awaited by the request: wait until it landed.
    for (const p of players) await waitUntil(`the saved avatar of ${p.uid}`, async () => JSON.stringify(await savedInventory(p.uid)) === JSON.stringify(p.saved), 5_000);

    const moved = players.filter((p) => p.lobby === victim);
    const stayed = players.filter((p) => p.lobby === survivor);
    const closes: string[] = [];
    let killedAt = 0;
    const rebounds = new Map<string, { body: unknown; afterMs: number }>();
    for (const p of players) {
      p.client.onClose((reason) => closes.push(`${p.uid}: ${reason.name}`));
      p.client.on('sys.rebound', (body) => rebounds.set(p.uid, { body, afterMs: Date.now() - killedAt }));
    }
    killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await victim.exited;

    await waitUntil('every player of the killed lobby rebound', () => moved.every((p) => rebounds.has(p.uid)), LEASE_TTL_MS + REBIND_MARGIN_MS);
    for (const p of moved) {
      expect(rebounds.get(p.uid)!.body).toEqual({ lobbyId: survivorId });
      expect(rebounds.get(p.uid)!.afterMs).toBeLessThan(LEASE_TTL_MS + REBIND_MARGIN_MS);
    }
    for (const p of stayed) expect(rebounds.has(p.uid)).toBe(false);
    expect(closes).toEqual([]);

    for (const p of moved) {
      expect(p.client.isOpen).toBe(true);
      expect(lobbyBinding(p.uid)).toBe(survivor);
      // What the new lobby loaded is what was saved: a free purchase reports the whole inventory.
      expect(await savedInventory(p.uid)).toEqual(p.saved);
      expect(await p.client.request('Echo.echo', p.uid)).toBe(p.uid);
      const changed = nextPush<Inventory>(p.client, 'inventory.changed');
      await p.client.request('Inventory.buy', 'probe', 0);
      expect(await changed).toEqual({ gold: p.saved.gold, items: [...p.saved.items, 'probe'] });
    }
    for (const p of stayed) expect(await p.client.request('Echo.echo', 'unmoved')).toBe('unmoved');
    expect(closes).toEqual([]);
  }, 45_000);

  it('lets the players of a gate killed with SIGKILL log in on the other gate at once, and removes the dead gate\'s online entries', async () => {
    const [victim, survivor] = cluster.gates as [MainProcess, MainProcess];
    const victimId = await cluster.serverIdOf(victim);
    const survivorId = await cluster.serverIdOf(survivor);
    const entryOf = async (uid: string): Promise<unknown> => {
      const text = await redis.get(`${cluster.redisPrefix}online:${uid}`);
      return text === null ? undefined : JSON.parse(text);
    };
    const onVictim = async (): Promise<{ uid: string; username: string }> => {
      const account = await newAccount();
      const client = await connect(victim.ready.gate!);
      await client.auth((await login(cluster.loginUrl, account.username, PASSWORD)).token);
      return account;
    };
    const returning = await onVictim();
    const absent = await onVictim();
    expect(await entryOf(absent.uid)).toMatchObject({ gateId: victimId });
    expect(await redis.pttl(`${cluster.redisPrefix}online:${absent.uid}`)).toBeGreaterThan(0);

    victim.child.kill('SIGKILL');
    await victim.exited;

    // Admitted on the other gate without waiting for anything of the dead one.
    const again = await login(cluster.loginUrl, returning.username, PASSWORD);
    const client = await connect(survivor.ready.gate!);
    expect(await client.auth(again.token)).toMatchObject({ uid: returning.uid, gateId: survivorId });
    expect(await client.request('Echo.echo', 'back')).toBe('back');
    expect(await entryOf(returning.uid)).toMatchObject({ gateId: survivorId });

    // Once the dead gate's lease lapses, the surviving gate removes what the dead one left.
    await waitUntil('the dead gate\'s online entries removed', async () => (await entryOf(absent.uid)) === undefined, LEASE_TTL_MS + REBIND_MARGIN_MS);
    expect(await entryOf(returning.uid)).toMatchObject({ gateId: survivorId });
  }, 45_000);
});
