/**
 * Live entity migration: the time from the start of a move to the entity answering on the target
 * lobby, p50/p99 over 1,000 moves between two lobbies (LobbyModules in this process, on real RPC
 * links over loopback, one in-memory discovery, one LMDB store in a temporary folder: each move
 * saves the entity to LMDB and the target loads it). Baseline in the same run: the round trip of
 * a plain call to the same entity from a third node.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCluster, MemoryDiscovery } from '../../engine/cluster/memory-discovery.js';
import { openLmdbStore } from '../../engine/persist/lmdb-store.js';
import { startTestNodes } from '../../engine/rpc/fixtures/test-nodes.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock, SystemClock } from '../../engine/timer/clock.js';
import migrationGame, { Ledger } from '../../lobby/fixtures/games/migration-game.js';
import { LobbyModule } from '../../lobby/lobby-module.js';
import type { BenchReport, Figure } from '../lib/benchmark.js';
import { percentile } from '../lib/load.js';

const MOVES = 1_000;
const CALLS = 1_000;
const LOBBIES = ['lobby-1', 'lobby-2'] as const;

const ms = (value: number): Figure => ({ value, unit: 'ms', better: 'lower' });

/** Moves one entity back and forth 1,000 times and times each move until it answers there. */
export async function measureMigration(): Promise<BenchReport> {
  const clock = new SystemClock();
  const logger = new MemoryLogger();
  const dir = await mkdtemp(join(tmpdir(), 'bench-migration-'));
  const store = openLmdbStore({ path: dir, clock });
  const nodes = await startTestNodes(['caller', ...LOBBIES]);
  const cluster = new MemoryCluster({ clock });
  const modules: LobbyModule[] = [];
  const discoveries: MemoryDiscovery[] = [];
  try {
    for (const id of LOBBIES) {
      const rpc = nodes.nodes.find((n) => n.serverId === id)!;
      const discovery = new MemoryDiscovery({ cluster, clock, logger });
      await discovery.start();
      await discovery.register({ id, type: 'lobby', address: rpc.address, version: '0', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
      const module = new LobbyModule({ game: migrationGame, rpc, discovery, gateType: 'gate', store: () => store, clock, gameClock: new ManualClock(), logger });
      await module.start();
      modules.push(module);
      discoveries.push(discovery);
    }
    const caller = nodes.nodes[0]!;
    const games = modules.map((m) => m.game!);
    games[0]!.spawn(Ledger, { id: 'ledger' });
    const answer = (serverId: string): Promise<unknown> => caller.callEntity({ serverId, entityId: 'ledger' }, 'Tally', 'add', [1]);

    // Baseline: a plain call to the entity where it is, warmed up first.
    for (let i = 0; i < 100; i++) await answer(LOBBIES[0]);
    const calls: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const started = performance.now();
      await answer(LOBBIES[0]);
      calls.push(performance.now() - started);
    }

    const moves: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const [from, to] = i % 2 === 0 ? [0, 1] : [1, 0];
      const started = performance.now();
      await games[from]!.migrate(games[from]!.find('ledger')!, LOBBIES[to]!);
      await answer(LOBBIES[to]!);
      moves.push(performance.now() - started);
    }
    calls.sort((a, b) => a - b);
    moves.sort((a, b) => a - b);
    return {
      figures: { 'move p50': ms(percentile(moves, 0.5)), 'move p99': ms(percentile(moves, 0.99)) },
      baseline: { 'call p50': ms(percentile(calls, 0.5)), 'call p99': ms(percentile(calls, 0.99)) },
      compare: [
        { ours: 'move p50', baseline: 'call p50' },
        { ours: 'move p99', baseline: 'call p99' },
      ],
      params: { moves: MOVES, calls: CALLS, store: 'lmdb', transport: 'rpc over loopback, lobbies in one process' },
    };
  } finally {
    for (const module of modules) await module.stop();
    for (const discovery of discoveries) await discovery.stop();
    await nodes.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
