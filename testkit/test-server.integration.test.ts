/**
 * The test kit against a small game of its own, written as a studio would (the public API only):
 * clients over every transport, pushes kept and awaited, deadlines, the manual game clock, server
 * state read and written, restart on a kept store, and a stop that leaves nothing running.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Component, defineGame, GameError, PlayerEntity, query, Service, sessionOf, type ClientCaller, type ComponentClass, type World } from 'tessera';
import { startTestServer, TestKitError, type TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';

/** A saved counter the client bumps; every bump is pushed back on `counter.bumped`. */
class Counter extends Component {
  static override persist = ['count'];
  static override clientCallable = ['bump', 'read'];
  count = 0;

  bump(by: number): number {
    if (!Number.isInteger(by)) throw new GameError('KIT_ERR_BAD_BUMP', 'bump by an integer');
    this.count += by;
    this.markDirty({ critical: true });
    sessionOf(this)?.push('counter.bumped', { count: this.count });
    return this.count;
  }

  read(): number {
    return this.count;
  }
}

/** Moved by `driftSystem` one unit a second; `slowTicks` counts runs of the 5 Hz system. */
class Drift extends Component {
  static override hot = { x: 'f32', slowRuns: 'f32' } as const;
  declare x: number;
  declare slowRuns: number;
}

class Hero extends PlayerEntity {
  static override components: readonly ComponentClass[] = [Counter, Drift];

  /** Greets the player as its session binds, before the login's reply reaches the client. */
  override onOnline(): void {
    this.session?.push('hero.welcome', { count: this.get(Counter).count });
  }
}

function driftSystem(world: World, dt: number): void {
  const { x } = world.hot(Drift);
  for (const eid of query(world.ecs, [Drift])) x[eid]! += dt;
}

function slowSystem(world: World): void {
  const { slowRuns } = world.hot(Drift);
  for (const eid of query(world.ecs, [Drift])) slowRuns[eid]! += 1;
}

/** `time.now`: the game's clock as game code reads it. */
class TimeService extends Service {
  static override clientCallable = ['now'];

  now(_caller: ClientCaller): number {
    return this.game.now();
  }
}

const game = defineGame({
  name: 'kit-test',
  entities: { Hero },
  player: Hero,
  systems: [driftSystem, { name: 'slow', run: slowSystem, hz: 5 }],
  services: { time: TimeService },
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('startTestServer', () => {
  it('keeps what the game pushed while the client was logging in', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    expect(await client.nextPush('hero.welcome')).toEqual({ count: 0 });
  });

  it.each(['tcp', 'ws', 'kcp'] as const)('serves a client over %s: a request, its reply and its push', async (transport) => {
    server = await startTestServer({ game });
    const client = await server.connect({ transport });
    expect(client.transport).toBe(transport);
    expect(await client.request('Counter.bump', 2)).toBe(2);
    expect(await client.nextPush('counter.bumped')).toEqual({ count: 2 });
  });

  it('keeps pushes that came before the test waits, in order, and hands later ones to a waiting test', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    await client.request('Counter.bump', 1);
    await client.request('Counter.bump', 1);
    expect(client.kept('counter.bumped')).toHaveLength(2);
    expect(await client.nextPush('counter.bumped')).toEqual({ count: 1 });
    expect(await client.nextPush('counter.bumped')).toEqual({ count: 2 });
    const waiting = client.nextPush('counter.bumped');
    await client.request('Counter.bump', 5);
    expect(await waiting).toEqual({ count: 7 });
    expect(client.kept().map((push) => push.route)).toEqual(['hero.welcome']);
  });

  it('fails a wait with no push in time with TESTKIT_ERR_PUSH_TIMEOUT, naming the route', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    await client.request('Counter.bump', 1);
    const err = await client.nextPush('never.sent', { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestKitError);
    expect(err).toMatchObject({ code: 'TESTKIT_ERR_PUSH_TIMEOUT' });
    expect((err as Error).message).toContain('never.sent within 20 ms (kept pushes on other routes: hero.welcome, counter.bumped)');
  });

  it('passes a GameError to the client with its code', async () => {
    server = await startTestServer({ game });
    const client = await server.connect();
    await expect(client.request('Counter.bump', 0.5)).rejects.toMatchObject({ serverCode: 'KIT_ERR_BAD_BUMP' });
  });

  it('runs systems and the game time only when the test ticks the manual clock', async () => {
    server = await startTestServer({ game, config: { lobby: { tickHz: 20 } } });
    const client = await server.connect();
    const drift = server.player(client).get(Drift);
    const start = await client.request<number>('time.now');
    expect(server.game.now()).toBe(start);
    expect([drift.x, drift.slowRuns]).toEqual([0, 0]);

    server.tick(3);
    expect(drift.x).toBeCloseTo(0.15, 5);
    expect(drift.slowRuns).toBe(0);
    server.tick(1);
    expect(drift.slowRuns).toBe(1); // 5 Hz at 20 ticks a second: every 4th tick
    expect(await client.request('time.now')).toBe(start + 200);

    server.advance(1_000);
    expect(drift.x).toBeCloseTo(1.2, 5);
    expect(drift.slowRuns).toBe(6);
    expect(server.game.now()).toBe(start + 1_200);
  });

  it('lets the test read and change a player on the server, and the client sees it', async () => {
    server = await startTestServer({ game });
    const client = await server.connect({ username: 'ada' });
    const hero = server.player<Hero>(client);
    expect(server.find(hero.id)).toBe(hero);
    hero.get(Counter).count = 41;
    expect(await client.request('Counter.read')).toBe(41);
    await client.request('Counter.bump', 1);
    expect(hero.get(Counter).count).toBe(42);
    expect(server.game.sessions().map((s) => s.uid)).toEqual([client.uid]);
  });

  it('keeps an account across a logout and a login, and a store across a restart when given storeDir', async () => {
    const storeDir = await mkdtemp(join(tmpdir(), 'tessera-kit-store-'));
    try {
      server = await startTestServer({ game, storeDir });
      const first = await server.connect({ username: 'bob', transport: 'ws' });
      await first.request('Counter.bump', 3);
      first.close();
      const again = await server.connect({ username: 'bob', transport: 'kcp' });
      expect(again.uid).toBe(first.uid);
      expect(await again.request('Counter.read')).toBe(3);
      await again.request('Counter.bump', 4);
      await server.stop();

      server = await startTestServer({ game, storeDir });
      expect(() => server!.player(again)).toThrow(expect.objectContaining({ code: 'TESTKIT_ERR_NO_PLAYER' }));
      const back = await server.connect({ username: 'bob' });
      expect(back.uid).toBe(first.uid);
      expect(await back.request('Counter.read')).toBe(7);
    } finally {
      await server?.stop();
      await rm(storeDir, { recursive: true, force: true });
    }
  });

  it('closes a client the server kicks: its waits fail with TESTKIT_ERR_CLIENT_CLOSED and the server forgets it', async () => {
    server = await startTestServer({ game });
    const first = await server.connect({ username: 'ada' });
    const kicked = expect(first.nextPush('counter.bumped')).rejects.toMatchObject({ code: 'TESTKIT_ERR_CLIENT_CLOSED', detail: expect.stringContaining('GATE_ERR_DUPLICATE_LOGIN') });
    const second = await server.connect({ username: 'ada' });
    await kicked;
    expect(first.isOpen).toBe(false);
    expect(server.connected).toEqual([second]);
    expect(await second.request('Counter.bump', 1)).toBe(1);
  });

  it('serves many clients at once, each with its own pushes', async () => {
    server = await startTestServer({ game });
    const clients = await Promise.all(['tcp', 'ws', 'kcp', 'tcp'].map((transport) => server!.connect({ transport: transport as 'tcp' })));
    await Promise.all(clients.map((client, i) => client.request('Counter.bump', i + 1)));
    expect(await Promise.all(clients.map((client) => client.nextPush('counter.bumped')))).toEqual([{ count: 1 }, { count: 2 }, { count: 3 }, { count: 4 }]);
    expect(new Set(clients.map((c) => c.uid)).size).toBe(4);
    expect(server.connected).toHaveLength(4);
  });

  it('runs the game on real time with clock: "system", where tick() fails with TESTKIT_ERR_SYSTEM_CLOCK', async () => {
    server = await startTestServer({ game, clock: 'system' });
    expect(() => server!.tick()).toThrow(expect.objectContaining({ code: 'TESTKIT_ERR_SYSTEM_CLOCK' }));
    expect(() => server!.advance(10)).toThrow(TestKitError);
  });

  it('refuses a client over a transport the gate does not serve with TESTKIT_ERR_NO_TRANSPORT', async () => {
    server = await startTestServer({ game, config: { gate: { kcpPort: -1 } } });
    await expect(server.connect({ transport: 'kcp' })).rejects.toMatchObject({ code: 'TESTKIT_ERR_NO_TRANSPORT', detail: 'kcp (gate.kcpPort is -1)' });
    expect(await (await server.connect({ transport: 'tcp' })).request('Counter.read')).toBe(0);
  });

  it('refuses settings that fail the schema, naming them', async () => {
    await expect(startTestServer({ game, config: { lobby: { tickHz: 0 } } })).rejects.toThrow(/lobby\.tickHz/);
  });

  it('keeps what the server logged', async () => {
    server = await startTestServer({ game });
    await server.connect();
    expect(server.logs.some((line) => line.level === 'info' && line.message === 'store open')).toBe(true);
  });

  it('stops everything: clients closed, waits failed, ports and folder released; again and again', async () => {
    server = await startTestServer({ game });
    const client = await server.connect({ transport: 'kcp' });
    const waiting = expect(client.nextPush('counter.bumped')).rejects.toMatchObject({ code: 'TESTKIT_ERR_CLIENT_CLOSED', detail: expect.stringContaining("server's stop()") });
    const url = server.url;
    const stopped = server;
    await Promise.all([stopped.stop(), stopped.stop()]);
    await stopped.stop();
    expect(client.isOpen).toBe(false);
    await waiting;
    await expect(client.nextPush('counter.bumped', { timeoutMs: 1 })).rejects.toMatchObject({ code: 'TESTKIT_ERR_CLIENT_CLOSED' });
    expect(stopped.connected).toEqual([]);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(existsSync(stopped.config.store.lmdb.path)).toBe(false);
    await expect(stopped.connect()).rejects.toMatchObject({ code: 'TESTKIT_ERR_STOPPED' });
  });
});
