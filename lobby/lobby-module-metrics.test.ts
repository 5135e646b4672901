import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricValue } from '../engine/metrics/fixtures/metric-values.js';
import { LobbyMetrics } from '../engine/metrics/lobby-metrics.js';
import { spaceGame } from './fixtures/space-game.js';
import { startSpaceLobby, type SpaceLobby } from './fixtures/space-lobby.js';

const ticks = (registry: Registry, space: string) => metricValue(registry, 'tessera_lobby_tick_duration_seconds', { space }, 'tessera_lobby_tick_duration_seconds_count');

let running: SpaceLobby | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('LobbyModule with metrics', () => {
  it('counts its ticks by space type, its player, its spaces, its saves and its pushes to the gate', async () => {
    const registry = new Registry();
    const metrics = new LobbyMetrics(registry, { maxSpaceTypes: 10 });
    running = await startSpaceLobby(spaceGame(), undefined, { metrics });
    const run = running;
    metrics.watch(() => run.lobby.stats());
    await run.bind('u1');
    await run.advance(500);
    expect(await metricValue(registry, 'tessera_lobby_sessions')).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_spaces')).toBe(1);
    expect(await metricValue(registry, 'tessera_lobby_entities')).toBeGreaterThanOrEqual(1);
    // 20 Hz for the lobby world, 10 Hz for the start space (field).
    expect(await ticks(registry, 'lobby')).toBe(10);
    expect(await ticks(registry, 'field')).toBe(5);
    expect(await metricValue(registry, 'tessera_gate_link_pushes_total')).toBeGreaterThan(0);
    await run.sessions.close('s-u1', 'left');
    await vi.waitFor(async () => expect(await metricValue(registry, 'tessera_lobby_saves_total', { outcome: 'ok' })).toBeGreaterThan(0));
    expect(await metricValue(registry, 'tessera_lobby_saves_total', { outcome: 'failed' })).toBe(0);
    expect(await metricValue(registry, 'tessera_lobby_sessions')).toBe(0);
  });
});
