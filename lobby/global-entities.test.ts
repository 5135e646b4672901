/**
 * Global entities across three lobbies in one process: RPC nodes on loopback, one LMDB store and
 * one memory cluster shared by all, as a cluster shares its database and etcd. Each lobby has a
 * manual clock of its own (its lease, its store claims' renewal, its looks at the globals) while
 * the store and the cluster keep a shared one, so that a crashed lobby's time stops while the
 * others' runs on; the RPC calls keep real time and are awaited with their deadlines.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import { openLmdbStore, type LmdbStore } from '../engine/persist/lmdb-store.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { globalName } from '../engine/rpc/global-proxy.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { defineGame } from './define-game.js';
import { LobbyModule } from './lobby-module.js';
import { PlayerEntity } from './player-entity.js';

class Health extends Component {
  static override persist = ['hp'];
  static override serverCallable = ['hit'];
  hp = 0;
  /** Takes `n` hit points, saved at once; returns what is left and where it runs. */
  hit(n: number): { hp: number; lobby: string } {
    this.hp -= n;
    this.markDirty({ critical: true });
    return { hp: this.hp, lobby: this.entity.mailbox.serverId };
  }
}

class Boss extends Entity {
  static override components = [Health];
  static created = 0;
  override onCreate(): void {
    Boss.created++;
    this.get(Health).hp = 100;
  }
}

class Hero extends PlayerEntity {}

interface BossApi {
  Health: Health;
}

const game = defineGame({ name: 'raid', entities: { Hero, Boss }, player: Hero, globals: { boss: { type: 'Boss' } } });

interface Lobby {
  id: string;
  module: LobbyModule;
  clock: ManualClock;
  discovery: MemoryDiscovery;
  crashed: boolean;
}

interface Cluster {
  lobbies: Lobby[];
  clock: ManualClock;
  store: LmdbStore;
  nodes: TestNodes;
  cluster: MemoryCluster;
  logger: MemoryLogger;
}

const running: Cluster[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const { lobbies, nodes, store } of running.splice(0)) {
    for (const lobby of lobbies) {
      await lobby.module.stop();
      if (!lobby.crashed) await lobby.discovery.stop();
    }
    await nodes.stop();
    await store.close();
  }
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const CLAIM_TTL_MS = 3_000;

async function startLobbies(count: number, leaseTtlMs = 2_000): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'global-entities-'));
  dirs.push(dir);
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const store = openLmdbStore({ path: dir, clock });
  const cluster = new MemoryCluster({ clock });
  const ids = Array.from({ length: count }, (_, i) => `lobby-${i + 1}`);
  const nodes = await startTestNodes(ids, { resolveName: (name) => cluster.name(name) });
  const lobbies: Lobby[] = [];
  for (const [i, id] of ids.entries()) {
    const own = new ManualClock(clock.now());
    const discovery = new MemoryDiscovery({ cluster, clock: own, logger, leaseTtlMs });
    await discovery.start();
    await discovery.register({ id, type: 'lobby', address: nodes.nodes[i]!.address, version: '0', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
    const module = new LobbyModule({ game, rpc: nodes.nodes[i]!, discovery, gateType: 'gate', store: () => store, clock: own, logger: logger.child({ lobby: id }), deferGameStart: true, claimTtlMs: CLAIM_TTL_MS, claimRenewMs: 1_000, globalCheckMs: 500 });
    await module.start();
    lobbies.push({ id, module, clock: own, discovery, crashed: false });
  }
  // Started together, as the lobbies of a cluster are.
  await Promise.all(lobbies.map((lobby) => lobby.module.startGame()));
  const run = { lobbies, clock, store, nodes, cluster, logger };
  running.push(run);
  return run;
}

/** Lets the store's and the lobbies' promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/** Moves the shared clock and every live lobby's clock on by `ms`, in steps, letting I/O run between. */
async function elapse(run: Cluster, ms: number, stepMs = 250): Promise<void> {
  for (let done = 0; done < ms; done += stepMs) {
    run.clock.advance(stepMs);
    for (const lobby of run.lobbies) if (!lobby.crashed) lobby.clock.advance(stepMs);
    for (let i = 0; i < 4; i++) await settle();
  }
}

const owners = (run: Cluster): Lobby[] => run.lobbies.filter((lobby) => !lobby.crashed && lobby.module.game?.find('boss') !== undefined);

describe('global entities', () => {
  it('runs once in a cluster of lobbies that start together, created the very first time, and every lobby calls it', async () => {
    Boss.created = 0;
    const run = await startLobbies(3);
    expect(owners(run)).toHaveLength(1);
    expect(Boss.created).toBe(1);
    const owner = owners(run)[0]!;
    expect(run.cluster.name(globalName('boss'))).toEqual({ serverId: owner.id, entityId: 'boss' });
    const hits = [];
    for (const lobby of run.lobbies) hits.push(await lobby.module.game!.global<BossApi>('boss').Health.hit(10));
    expect(hits).toEqual([90, 80, 70].map((hp) => ({ hp, lobby: owner.id })));
    // Created under the claim it was taken with, and saved at once.
    await expect.poll(async () => (await run.store.load('Boss', 'boss'))?.data['components'], { timeout: 10_000 }).toEqual({ Health: { hp: 70 } });
  });

  it('moves live to another lobby when its lobby drains, with its state, and that lobby keeps it', async () => {
    const run = await startLobbies(3);
    const owner = owners(run)[0]!;
    const caller = run.lobbies.find((lobby) => lobby !== owner)!;
    await caller.module.game!.global<BossApi>('boss').Health.hit(1);
    await owner.discovery.markDraining();
    await owner.module.drain();
    const next = owners(run);
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(owner);
    expect(run.cluster.name(globalName('boss'))).toEqual({ serverId: next[0]!.id, entityId: 'boss' });
    await expect(caller.module.game!.global<BossApi>('boss').Health.hit(1)).resolves.toEqual({ hp: 98, lobby: next[0]!.id });
    await elapse(run, 1_000);
    expect(owners(run)).toEqual(next);
  });

  it('is saved and let go when its lobby drains with no lobby to move to; another lobby takes it with its state, and a call made meanwhile waits for it', async () => {
    const run = await startLobbies(3);
    const owner = owners(run)[0]!;
    const caller = run.lobbies.find((lobby) => lobby !== owner)!;
    await caller.module.game!.global<BossApi>('boss').Health.hit(1);
    // The other lobbies are draining too: the drain cannot move the boss to them.
    for (const lobby of run.lobbies) if (lobby !== owner) await lobby.discovery.markDraining();
    await owner.module.drain();
    expect(run.cluster.name(globalName('boss'))).toBeUndefined();
    const during = caller.module.game!.global<BossApi>('boss', { timeoutMs: 20_000 }).Health.hit(1);
    await elapse(run, 1_000);
    await expect.poll(() => owners(run).length, { timeout: 10_000 }).toBe(1);
    const next = owners(run);
    expect(next[0]).not.toBe(owner);
    await expect(during).resolves.toEqual({ hp: 98, lobby: next[0]!.id });
  });

  it('moves with game.migrate: its name points at the new lobby at once, which keeps it and lets go of it when it drains', async () => {
    const run = await startLobbies(3);
    const owner = owners(run)[0]!;
    const [target, third] = run.lobbies.filter((lobby) => lobby !== owner) as [Lobby, Lobby];
    await third.module.game!.global<BossApi>('boss').Health.hit(10);
    await owner.module.game!.migrate(owner.module.game!.find('boss')!, target.id);
    expect(run.cluster.name(globalName('boss'))).toEqual({ serverId: target.id, entityId: 'boss' });
    await expect(third.module.game!.global<BossApi>('boss').Health.hit(1)).resolves.toEqual({ hp: 89, lobby: target.id });
    // The old lobby's next look leaves it to the new one, whose look keeps it.
    await elapse(run, 1_000);
    expect(owners(run)).toEqual([target]);
    expect(run.cluster.name(globalName('boss'))?.serverId).toBe(target.id);
    // Kept as its own: its drain lets go of it, and another lobby takes it with its state.
    await target.module.drain();
    await elapse(run, 1_000);
    await expect.poll(() => owners(run).length, { timeout: 10_000 }).toBe(1);
    const next = owners(run)[0]!;
    expect(next).not.toBe(target);
    await expect(third.module.game!.global<BossApi>('boss', { timeoutMs: 10_000 }).Health.hit(1)).resolves.toEqual({ hp: 88, lobby: next.id });
  });

  it('comes back on another lobby with its saved state when its lobby crashes, once the dead lobby\'s lease and store claim have lapsed', async () => {
    Boss.created = 0;
    const run = await startLobbies(3);
    const owner = owners(run)[0]!;
    const caller = run.lobbies.find((lobby) => lobby !== owner)!;
    await caller.module.game!.global<BossApi>('boss').Health.hit(30);
    await expect.poll(async () => (await run.store.load('Boss', 'boss'))?.data['components'], { timeout: 10_000 }).toEqual({ Health: { hp: 70 } });

    // The owner dies: its time stops (no lease or claim renewed), its RPC listener is gone.
    owner.crashed = true;
    await owner.discovery.simulateCrash();
    await run.nodes.nodes[run.lobbies.indexOf(owner)]!.stop();
    const during = caller.module.game!.global<BossApi>('boss', { timeoutMs: 30_000 }).Health.hit(5);
    // Until its lease ends the dead lobby holds the name; until its claim lapses, the boss.
    await elapse(run, 2_000 + CLAIM_TTL_MS + 1_000);
    await expect.poll(() => owners(run).length, { timeout: 10_000 }).toBe(1);
    const next = owners(run);
    expect(next[0]).not.toBe(owner);
    await expect(during).resolves.toEqual({ hp: 65, lobby: next[0]!.id });
    expect(Boss.created).toBe(1);
  });

  it('is let go again by a lobby that got it while a dead owner\'s name was still held, and taken once that lease ends', async () => {
    Boss.created = 0;
    // The claim lapses before the lease: a lobby loads the boss while the dead lobby still holds its name.
    const run = await startLobbies(2, 6_000);
    const [owner, other] = owners(run)[0] === run.lobbies[0] ? run.lobbies : [run.lobbies[1]!, run.lobbies[0]!];
    await other!.module.game!.global<BossApi>('boss').Health.hit(30);
    await expect.poll(async () => (await run.store.load('Boss', 'boss'))?.data['components'], { timeout: 10_000 }).toEqual({ Health: { hp: 70 } });
    owner!.crashed = true;
    await owner!.discovery.simulateCrash();
    await run.nodes.nodes[run.lobbies.indexOf(owner!)]!.stop();

    await elapse(run, CLAIM_TTL_MS + 1_000);
    // It took the boss in the store, found the name held, and stepped aside: saved, unloaded.
    await expect.poll(() => owners(run), { timeout: 10_000 }).toEqual([]);
    expect(run.cluster.name(globalName('boss'))?.serverId).toBe(owner!.id);
    await elapse(run, 6_000 - CLAIM_TTL_MS);
    await expect.poll(() => owners(run), { timeout: 10_000 }).toEqual([other]);
    await expect(other!.module.game!.global<BossApi>('boss').Health.hit(1)).resolves.toEqual({ hp: 69, lobby: other!.id });
    expect(Boss.created).toBe(1);
  });

  it('fails a call with RPC_ERR_DEADLINE_EXCEEDED by its deadline while no lobby can take it', async () => {
    const run = await startLobbies(1);
    const [only] = run.lobbies;
    await only!.module.drain();
    expect(run.cluster.name(globalName('boss'))).toBeUndefined();
    await expect(run.nodes.nodes[0]!.global<BossApi>('boss', { timeoutMs: 300 }).Health.hit(1)).rejects.toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
  });
});
