import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricLabels, metricValue } from './fixtures/metric-values.js';
import { LobbyMetrics, type LobbyStats } from './lobby-metrics.js';

const STATS: LobbyStats = {
  sessions: 3,
  entities: 40,
  spaces: 2,
  saveQueue: 5,
  saves: { saved: 100, failed: 2, conflicts: 1, lost: 4 },
  gateLink: { pushes: 70, kicks: 6, failures: 8 },
};

const ticks = (registry: Registry, space: string) => metricValue(registry, 'tessera_lobby_tick_duration_seconds', { space }, 'tessera_lobby_tick_duration_seconds_count');

describe('LobbyMetrics', () => {
  it('reads the lobby counts at each scrape', async () => {
    const registry = new Registry();
    const metrics = new LobbyMetrics(registry, { maxSpaceTypes: 10 });
    metrics.watch(() => STATS);
    expect(await metricValue(registry, 'tessera_lobby_sessions')).toBe(3);
    expect(await metricValue(registry, 'tessera_lobby_entities')).toBe(40);
    expect(await metricValue(registry, 'tessera_lobby_spaces')).toBe(2);
    expect(await metricValue(registry, 'tessera_lobby_save_queue')).toBe(5);
    expect(await metricValue(registry, 'tessera_lobby_saves_total', { outcome: 'ok' })).toBe(100);
    expect(await metricValue(registry, 'tessera_lobby_saves_total', { outcome: 'failed' })).toBe(2);
    expect(await metricValue(registry, 'tessera_lobby_save_conflicts_total')).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_ownership_lost_total')).toBe(4);
    expect(await metricValue(registry, 'tessera_gate_link_pushes_total')).toBe(70);
    expect(await metricValue(registry, 'tessera_gate_link_kicks_total')).toBe(6);
    expect(await metricValue(registry, 'tessera_gate_link_failures_total')).toBe(8);
  });

  it('observes each step by space type, counts overruns, and folds types past the cap into other', async () => {
    const registry = new Registry();
    const metrics = new LobbyMetrics(registry, { maxSpaceTypes: 2 });
    const lobby = metrics.tickObserver('lobby');
    const arena = metrics.tickObserver('arena');
    const dungeon = metrics.tickObserver('dungeon');
    lobby(2, false);
    lobby(80, true);
    arena(1, false);
    dungeon(60, true);
    expect(await ticks(registry, 'lobby')).toBe(2);
    expect(await ticks(registry, 'arena')).toBe(1);
    expect(await ticks(registry, 'other')).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_tick_duration_seconds', { space: 'lobby' }, 'tessera_lobby_tick_duration_seconds_sum')).toBeCloseTo(0.082, 9);
    expect(await metricValue(registry, 'tessera_lobby_tick_overruns_total', { space: 'lobby' })).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_tick_overruns_total', { space: 'other' })).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_tick_overruns_total', { space: 'arena' })).toBe(0);
    expect((await metricLabels(registry, 'tessera_lobby_tick_duration_seconds')).map((l) => l.space).sort()).toEqual(['arena', 'lobby', 'other']);
  });
});
