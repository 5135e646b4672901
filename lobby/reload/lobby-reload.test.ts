import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../../engine/cluster/memory-discovery.js';
import { decode, encode } from '../../engine/codec/msgpack-codec.js';
import { Component } from '../../engine/ecs/component.js';
import { openLmdbStore, type LmdbStore } from '../../engine/persist/lmdb-store.js';
import { startTestNodes, type TestNodes } from '../../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_SERVICE, type LobbySessions } from '../../engine/session/session-contract.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { defineGame, type GameDefinition } from '../define-game.js';
import { defineSpace } from '../define-space.js';
import { LobbyModule } from '../lobby-module.js';
import { PlayerEntity } from '../player-entity.js';
import { Service } from '../service.js';
import type { GameGeneration } from './game-module.js';
import { loadedClasses } from './reload-fixtures.js';

/** The live code, made anew for each test: a reload patches its classes. */
function liveGame() {
  class Wallet extends Component {
    static override persist = ['gold'];
    static override clientCallable = ['balance'];
    gold = 7;
    balance(): number {
      return this.gold;
    }
  }
  class Hero extends PlayerEntity {
    static override components = [Wallet];
  }
  class Bank extends Service {
    static override clientCallable = ['rate'];
    rate(): number {
      return 3;
    }
  }
  const game = defineGame({
    name: 'bank',
    entities: { Hero },
    player: Hero,
    services: { bank: Bank },
    spaces: { field: defineSpace({ systems: [function drift() {}] }) },
    systems: [function economy() {}],
  });
  return { game, Wallet, Bank };
}

interface Running {
  lobby: LobbyModule;
  discovery: MemoryDiscovery;
  nodes: TestNodes;
  store: LmdbStore;
  logger: MemoryLogger;
  sessions: { request(route: string, ...args: unknown[]): Promise<unknown> };
}
const running: Running[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const { lobby, discovery, nodes, store } of running.splice(0)) {
    await lobby.stop();
    await discovery.stop();
    await nodes.stop();
    await store.close();
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A lobby running `live` with one player bound, whose game module loads `generations` in turn. */
async function start(live: GameDefinition, generations: GameGeneration[] | undefined): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'lobby-reload-'));
  dirs.push(dir);
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const store = openLmdbStore({ path: dir, clock });
  const nodes = await startTestNodes(['gate-a', 'lobby-1']);
  const rpc = nodes.nodes[1]!;
  const discovery = new MemoryDiscovery({ cluster: new MemoryCluster({ clock }), clock, logger });
  await discovery.start();
  await discovery.register({ id: 'lobby-1', type: 'lobby', address: rpc.address, version: '0', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
  const gameModule = generations && { root: dir, load: async (): Promise<GameGeneration> => generations.shift() ?? Promise.reject(new Error('no such module')) };
  const lobby = new LobbyModule({ game: live, ...(gameModule ? { gameModule } : {}), rpc, discovery, gateType: 'gate', store: () => store, clock, logger });
  await lobby.start();
  await lobby.spaces!.create('field');
  const remote = nodes.nodes[0]!.service<LobbySessions>('lobby-1', LOBBY_SESSIONS_SERVICE);
  await remote.bind({ sessionId: 's1', uid: 'u1', gateId: 'gate-a' }, false);
  const sessions = { request: async (route: string, ...args: unknown[]) => decode(await remote.request('s1', route, encode(args))) };
  const run = { lobby, discovery, nodes, store, logger, sessions };
  running.push(run);
  return run;
}

describe('LobbyModule.reload', () => {
  it('swaps in the new methods, routes, services and systems of every world; the avatar keeps its state', async () => {
    const { game: live, Wallet, Bank } = liveGame();
    class Wallet2 extends Component {
      static override persist = ['gold'];
      static override clientCallable = ['balance', 'double'];
      gold = 7;
      balance(): number {
        return this.gold + 100;
      }
      double(): number {
        return (this.gold *= 2);
      }
    }
    class Shop extends Service {
      static override clientCallable = ['price'];
      price(): number {
        return 9;
      }
    }
    const next = defineGame({
      ...live,
      services: { bank: Bank, shop: Shop },
      spaces: { field: defineSpace({ systems: [function drift() {}, function weather() {}] }), dungeon: defineSpace({}) },
      systems: [function economy() {}, function taxes() {}],
    });
    const run = await start(live, [{ game: next, classes: loadedClasses([[Wallet, Wallet2]]) }]);
    expect(await run.sessions.request('Wallet.balance')).toBe(7);
    const avatar = run.lobby.avatarOf('u1')!;

    const report = await run.lobby.reload();
    expect(report).toMatchObject({ ok: true, generation: 1, refused: [] });
    expect(report.changed).toEqual(expect.arrayContaining(['component Wallet', 'service shop added', 'system taxes added', 'space field system weather added', 'space dungeon added']));
    expect(run.lobby.avatarOf('u1')).toBe(avatar);
    expect(await run.sessions.request('Wallet.double')).toBe(14);
    expect(await run.sessions.request('Wallet.balance')).toBe(114);
    expect(await run.sessions.request('shop.price')).toBe(9);
    expect(run.lobby.spaces!.list().map((space) => space.world.systemNames)).toEqual([['drift', 'weather']]);
    expect(run.logger.at('info').some((line) => line.message === 'game reloaded')).toBe(true);
  });

  it('refuses a retyped persisted field and keeps the running code', async () => {
    const { game: live, Wallet } = liveGame();
    class Wallet2 extends Component {
      static override persist = ['gold'];
      static override clientCallable = ['balance'];
      gold = '7';
      balance(): string {
        return 'new';
      }
    }
    const run = await start(live, [{ game: live, classes: loadedClasses([[Wallet, Wallet2]]) }]);
    const report = await run.lobby.reload();
    expect(report).toEqual({ ok: false, generation: 0, changed: [], refused: ['component Wallet: persisted field gold retyped from number to string'], swapMs: 0 });
    expect(await run.sessions.request('Wallet.balance')).toBe(7);
    expect(run.logger.at('warn').some((line) => line.message === 'game reload refused')).toBe(true);
  });

  it('answers a refusal when the game did not come from a module, or its module fails to load', async () => {
    const run = await start(liveGame().game, undefined);
    expect(await run.lobby.reload()).toMatchObject({ ok: false, refused: [expect.stringMatching(/not the module to load it from/)] });
    const failing = await start(liveGame().game, []);
    expect((await failing.lobby.reload()).refused[0]).toMatch(/did not load/);
  });
});
