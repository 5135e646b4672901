import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { decode, encode } from '../engine/codec/msgpack-codec.js';
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import type { World } from '../engine/ecs/world.js';
import { openLmdbStore, type LmdbStore } from '../engine/persist/lmdb-store.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import type { RemoteService } from '../engine/rpc/remote-proxy.js';
import { LOBBY_SESSIONS_SERVICE, type LobbySessions } from '../engine/session/session-contract.js';
import { MemoryPubSub } from '../engine/hub/memory-pub-sub.js';
import type { PubSub } from '../engine/hub/pub-sub.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { ClientCaller } from './client-routes.js';
import { defineGame, type GameDefinition } from './define-game.js';
import type { GameContext } from './game-context.js';
import { LobbyModule } from './lobby-module.js';
import { PlayerEntity } from './player-entity.js';
import { Service } from './service.js';

class Wallet extends Component {
  static override persist = ['gold'];
  static override clientCallable = ['balance'];
  static override serverCallable = ['balance'];
  gold = 7;
  balance(): number {
    return this.gold;
  }
}

class Hero extends PlayerEntity {
  static override components = [Wallet];
}

/** Takes gold from other servers, slowly: `loot` waits until the test calls `Hoard.release`. */
class Hoard extends Component {
  static override requires = [Wallet];
  static override serverCallable = ['loot'];
  static release: (() => void) | undefined;
  async loot(gold: number): Promise<number> {
    await new Promise<void>((resolve) => (Hoard.release = resolve));
    const wallet = this.entity.get(Wallet);
    wallet.gold += gold;
    return wallet.gold;
  }
}

class Boss extends Entity {
  static override components = [Wallet, Hoard];
  override onCreate(): void {
    this.get(Wallet).gold = 1_000;
  }
}

/** A client- and server-callable service that reads the caller's avatar and the game context. */
class Bank extends Service {
  static override clientCallable = ['whoami', 'rate'];
  static override serverCallable = ['rate'];
  started = 0;
  whoami(caller: ClientCaller): string {
    return `${caller.avatar?.id ?? 'guest'} on ${this.game.serverId}`;
  }
  rate(): number {
    return 3;
  }
  override onStart(): void {
    this.started++;
  }
}

interface Running {
  lobby: LobbyModule;
  nodes: TestNodes;
  clock: ManualClock;
  logger: MemoryLogger;
  store: LmdbStore;
  discovery: MemoryDiscovery;
}

const running: Running[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const { lobby, nodes, store, discovery } of running.splice(0)) {
    await lobby.stop();
    await discovery.stop();
    await nodes.stop();
    await store.close();
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function start(game: GameDefinition, tickHz = 20, settings: { maxTimersPerEntity?: number; deferGameStart?: boolean; hub?: PubSub } = {}): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'lobby-module-'));
  dirs.push(dir);
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const store = openLmdbStore({ path: dir, clock });
  const nodes = await startTestNodes(['gate-a', 'lobby-1']);
  const rpc = nodes.nodes[1]!;
  const discovery = new MemoryDiscovery({ cluster: new MemoryCluster({ clock }), clock, logger });
  await discovery.start();
  await discovery.register({ id: 'lobby-1', type: 'lobby', address: rpc.address, version: '0', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
  const lobby = new LobbyModule({ game, rpc, discovery, gateType: 'gate', store: () => store, clock, logger, tickHz, ...settings });
  await lobby.start();
  const run = { lobby, nodes, clock, logger, store, discovery };
  running.push(run);
  return run;
}

/** The lobby's 'sessions' service as gate-a calls it. */
const sessionsOf = (run: Running): RemoteService<LobbySessions> => run.nodes.nodes[0]!.service<LobbySessions>('lobby-1', LOBBY_SESSIONS_SERVICE);

describe('LobbyModule running a game', () => {
  it('binds players to avatars of the game\'s player type and serves their component routes', async () => {
    const run = await start(defineGame({ name: 'bank', entities: { Hero }, player: Hero }));
    const sessions = sessionsOf(run);
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    expect(run.lobby.game!.find('avatar-u1')).toBeInstanceOf(Hero);
    expect(decode(await sessions.request('s1', 'Wallet.balance', encode([])))).toBe(7);
  });

  it('serves the game\'s services to clients with the caller first, and to other servers by name', async () => {
    const run = await start(defineGame({ name: 'bank', entities: { Hero }, player: Hero, services: { bank: Bank } }));
    const sessions = sessionsOf(run);
    await sessions.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
    expect(decode(await sessions.request('s1', 'bank.whoami', encode([])))).toBe('avatar-u1 on lobby-1');
    expect(decode(await sessions.request('', 'bank.whoami', encode([])))).toBe('guest on lobby-1');
    expect(await run.nodes.nodes[0]!.service<Bank>('lobby-1', 'bank').rate()).toBe(3);
    // Only the listed methods: whoami is for clients alone.
    await expect(run.nodes.nodes[0]!.call('lobby-1', 'bank', 'whoami', [])).rejects.toMatchObject({ code: 'RPC_ERR_NOT_CALLABLE' });
  });

  it('gives the game and its services the process\'s topics, and ends the game\'s subscriptions when it stops', async () => {
    const hub = new MemoryPubSub({ logger: new MemoryLogger() });
    const heard: unknown[] = [];
    class Herald extends Service {
      override async onStart(): Promise<void> {
        await this.game.hub.subscribe('server:announcements', (m) => void heard.push(`service ${String(m)}`));
      }
    }
    const run = await start(
      defineGame({
        name: 'herald',
        entities: { Hero },
        player: Hero,
        services: { herald: Herald },
        onStart: async (game) => void (await game.hub.subscribe('server:announcements', (m) => void heard.push(`game ${String(m)}`))),
      }),
      20,
      { hub },
    );
    const outside: unknown[] = [];
    await hub.subscribe('server:announcements', (m) => void outside.push(m));
    await run.lobby.game!.hub.publish('server:announcements', 'noon');
    await vi.waitFor(() => expect([...heard].sort()).toEqual(['game noon', 'service noon']));
    await run.lobby.stop();
    await hub.publish('server:announcements', 'midnight');
    await vi.waitFor(() => expect(outside).toEqual(['noon', 'midnight']));
    expect(heard).toHaveLength(2);
  });

  it('runs the systems in order every tick, and a slower one every Nth tick with the time since its last run', async () => {
    const runs: string[] = [];
    const dts: number[] = [];
    const fast = (_world: World, _dt: number): void => void runs.push('fast');
    const run = await start(
      defineGame({
        name: 'rates',
        entities: { Hero },
        player: Hero,
        systems: [fast, { name: 'slow', hz: 5, run: (_w, dt) => void (runs.push('slow'), dts.push(dt)) }, { name: 'last', run: () => void runs.push('last') }],
      }),
    );
    run.clock.advance(400); // 8 ticks at 20 Hz
    expect(runs.filter((r) => r === 'fast')).toHaveLength(8);
    expect(runs.filter((r) => r === 'slow')).toHaveLength(2);
    expect(dts[0]).toBeCloseTo(0.2, 6);
    expect(runs.slice(0, 8)).toEqual(['fast', 'last', 'fast', 'last', 'fast', 'last', 'fast', 'slow']);
  });

  it('runs onStart with a context that spawns world entities and names them across the cluster, and saves what onStop changed', async () => {
    let context: GameContext | undefined;
    const game = defineGame({
      name: 'boss',
      entities: { Hero, Boss },
      player: Hero,
      services: { bank: Bank },
      async onStart(game) {
        context = game;
        const boss = (await game.load(Boss, 'boss')) ?? game.spawn(Boss, { id: 'boss' });
        expect(await game.claimName('world-boss', boss)).toBe(true);
      },
      onStop(game) {
        game.find('boss')!.get(Wallet).gold = 1;
      },
    });
    const run = await start(game);
    expect(context!.serverId).toBe('lobby-1');
    expect(context!.now()).toBe(run.clock.now());
    expect(run.discovery.resolveName('world-boss')).toEqual({ serverId: 'lobby-1', entityId: 'boss' });
    await context!.releaseName('world-boss');
    expect(run.discovery.resolveName('world-boss')).toBeUndefined();
    expect(await context!.claimName('world-boss', context!.find('boss')!)).toBe(true);
    expect(await run.nodes.nodes[0]!.remote<{ Wallet: Wallet }>({ serverId: 'lobby-1', entityId: 'boss' }).Wallet.balance()).toBe(1_000);
    await run.lobby.drain();
    expect((await run.store.load('Boss', 'boss'))?.data).toMatchObject({ components: { Wallet: { gold: 1 } } });
  });

  it('with deferGameStart, leaves onStart and the tick loop to startGame(), which runs once', async () => {
    const events: string[] = [];
    const run = await start(
      defineGame({
        name: 'later',
        entities: { Hero },
        player: Hero,
        systems: [{ name: 'tick', run: () => void events.push('tick') }],
        onStart: () => void events.push('onStart'),
      }),
      20,
      { deferGameStart: true },
    );
    run.clock.advance(100);
    expect(events).toEqual([]);
    await run.lobby.startGame();
    run.clock.advance(50);
    expect(events).toEqual(['onStart', 'tick']);
    await expect(run.lobby.startGame()).rejects.toThrow(/the game has started already/);
  });

  it('logs an onStop that throws, and still saves every entity', async () => {
    const run = await start(
      defineGame({
        name: 'broken',
        entities: { Hero, Boss },
        player: Hero,
        onStart: (game) => void game.spawn(Boss, { id: 'boss' }),
        onStop: () => {
          throw new Error('stop hook bug');
        },
      }),
    );
    await run.lobby.drain();
    expect(run.logger.at('error').some((line) => line.message.includes('onStop failed'))).toBe(true);
    expect((await run.store.load('Boss', 'boss'))?.data).toMatchObject({ components: { Wallet: { gold: 1_000 } } });
  });

  it('gives its world the configured cap on the timers of one entity', async () => {
    const run = await start(defineGame({ name: 'timers', entities: { Hero, Boss }, player: Hero, onStart: (game) => void game.spawn(Boss, { id: 'boss' }) }), 20, { maxTimersPerEntity: 1 });
    const boss = run.lobby.game!.find('boss')!;
    boss.timers.after(1_000, () => undefined);
    expect(() => boss.timers.after(1_000, () => undefined)).toThrow();
  });

  it('lets server calls queued on a world entity finish before the final save, and refuses those that come during the drain', async () => {
    const run = await start(defineGame({ name: 'hoard', entities: { Hero, Boss }, player: Hero, onStart: (game) => void game.spawn(Boss, { id: 'boss' }) }));
    const boss = run.nodes.nodes[0]!.remote<{ Hoard: Hoard }>({ serverId: 'lobby-1', entityId: 'boss' });
    const looting = boss.Hoard.loot(5);
    while (!Hoard.release) await new Promise((resolve) => setImmediate(resolve));
    const drained = run.lobby.drain();
    await expect(boss.Hoard.loot(1)).rejects.toMatchObject({ code: 'RPC_ERR_NO_SUCH_ENTITY' });
    Hoard.release();
    expect(await looting).toBe(1_005);
    await drained;
    expect((await run.store.load('Boss', 'boss'))?.data).toMatchObject({ components: { Wallet: { gold: 1_005 } } });
  });
});
