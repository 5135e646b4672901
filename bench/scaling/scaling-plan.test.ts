import { describe, expect, it } from 'vitest';
import { FIXED_GATES, scalingSettings, scalingSteps } from './scaling-plan.js';

describe('scalingSettings', () => {
  it('defaults to four servers of a tenth of a core, 10 bots each, 10 s measured after 5 s of ramp and 15 s of settling', () => {
    expect(scalingSettings({}, 2)).toEqual({ coresEach: 0.1, maxServers: 4, botsPerServer: 10, rampMs: 5_000, settleMs: 15_000, durationMs: 10_000 });
  });

  it('reads the SCALING_* variables, and SCALING_SHORT=1 makes a quick run of two servers', () => {
    expect(scalingSettings({ SCALING_CORES: '0.25', SCALING_MAX_SERVERS: '3', SCALING_BOTS_PER_SERVER: '12', SCALING_SECONDS: '30' }, 2)).toEqual({ coresEach: 0.25, maxServers: 3, botsPerServer: 12, rampMs: 5_000, settleMs: 15_000, durationMs: 30_000 });
    expect(scalingSettings({ SCALING_SHORT: '1' }, 2)).toMatchObject({ maxServers: 2, rampMs: 2_000, settleMs: 4_000, durationMs: 4_000 });
  });

  it('refuses a value out of its range with SCALING_ERR_OPTIONS, naming the variable', () => {
    for (const env of [{ SCALING_CORES: '0' }, { SCALING_CORES: '3' }, { SCALING_MAX_SERVERS: '1.5' }, { SCALING_BOTS_PER_SERVER: 'many' }, { SCALING_SECONDS: '-1' }]) {
      const name = Object.keys(env)[0]!;
      expect(() => scalingSettings(env, 2), name).toThrow(expect.objectContaining({ code: 'SCALING_ERR_OPTIONS', detail: expect.stringContaining(name) }));
    }
  });
});

describe('scalingSteps', () => {
  it('measures 1..N capped lobbies behind two gates, then 1..N capped gates before as many lobbies, with bots in proportion', () => {
    const steps = scalingSteps({ coresEach: 0.1, maxServers: 3, botsPerServer: 10, rampMs: 1_000, settleMs: 500, durationMs: 2_000 }, 2);
    expect(steps.map((s) => [s.capped, s.lobbies, s.gates, s.bots])).toEqual([
      ['lobby', 1, FIXED_GATES, 10],
      ['lobby', 2, FIXED_GATES, 20],
      ['lobby', 3, FIXED_GATES, 30],
      ['gate', 1, 1, 10],
      ['gate', 2, 2, 20],
      ['gate', 3, 3, 30],
    ]);
    expect(steps.every((s) => s.workers === 2 && s.coresEach === 0.1 && s.rampMs === 1_000 && s.settleMs === 500 && s.durationMs === 2_000)).toBe(true);
  });
});
