import { describe, expect, it } from 'vitest';
import type { StepResult } from './scaling-step.js';
import { formatScalingTable, limitOf, scalingRows, stopsAt } from './scaling-table.js';

/** A step's result with `n` servers of `role` at 0.1 cores each, the rate and CPU given. */
function step(role: 'lobby' | 'gate', n: number, requestsPerSecond: number, cores: Record<string, number>, throttled = 0.9, botLoopDelayMs = 20): StepResult {
  return {
    plan: { capped: role, lobbies: role === 'lobby' ? n : 2, gates: role === 'gate' ? n : 2, coresEach: 0.1, bots: 10 * n, workers: 2, rampMs: 0, settleMs: 0, durationMs: 1_000 },
    requestsPerSecond,
    errorRate: 0,
    errors: {},
    peakConnected: 10 * n,
    botLoopDelayMs,
    cores,
    throttled,
  };
}

describe('limitOf', () => {
  it('names the quota when the capped servers used it', () => {
    expect(limitOf(step('lobby', 2, 1_000, { lobbies: 0.2, gates: 0.3, bots: 0.4 }), 2)).toMatch(/^the lobbies' quota \(0\.20 of 0\.20 cores, held back in 90% of periods\)$/);
  });

  it('names the machine when every core is busy and the capped servers did not get their quota, with the biggest user', () => {
    expect(limitOf(step('lobby', 4, 2_000, { lobbies: 0.3, gates: 0.6, bots: 1.0 }, 0.2), 2)).toBe('the machine (1.90 of 2 cores busy: most by bots, 1.00); the lobbies got 0.30 of their 0.40');
    // What else runs on the machine counts, and is named.
    expect(limitOf(step('lobby', 4, 2_000, { lobbies: 0.3, gates: 0.3, bots: 0.4, machine: 1.9 }, 0.2), 2)).toBe('the machine (1.90 of 2 cores busy: most by bots, 0.40, other processes 0.90); the lobbies got 0.30 of their 0.40');
  });

  it('names a backend at a full core, else the bots when their loop fell behind, else says that none was found and who used most', () => {
    expect(limitOf(step('gate', 3, 900, { gates: 0.1, etcd: 0.95, bots: 0.3 }, 0), 4)).toMatch(/^etcd \(0\.95 cores/);
    expect(limitOf(step('gate', 3, 900, { gates: 0.1, bots: 0.3 }, 0, 250), 4)).toBe('the bots (their event loop 250 ms behind at worst); the gates used 0.10 of 0.30 cores');
    expect(limitOf(step('gate', 3, 900, { gates: 0.1, redis: 0.2, bots: 0.3 }, 0), 4)).toMatch(/^not found: the gates used 0\.10 of 0\.30 cores and the machine 0\.60 of 4; most by bots \(0\.30\)$/);
  });
});

describe('scalingRows, stopsAt and formatScalingTable', () => {
  const results = [
    step('lobby', 1, 500, { lobbies: 0.1 }),
    step('lobby', 2, 1_000, { lobbies: 0.2 }),
    step('lobby', 3, 1_300, { lobbies: 0.3 }),
    step('gate', 1, 400, { gates: 0.1 }),
    step('gate', 2, 800, { gates: 0.2 }),
  ];
  const rows = scalingRows(results, 2);

  it('gives each step its rate, what its last server added, that over the first, and the rate over n times the first', () => {
    expect(rows.map((r) => [r.role, r.servers, r.addedPerSecond, r.addedRatio, r.efficiency])).toEqual([
      ['lobby', 1, 500, 1, 1],
      ['lobby', 2, 500, 1, 1],
      ['lobby', 3, 300, 0.6, 1_300 / 1_500],
      ['gate', 1, 400, 1, 1],
      ['gate', 2, 400, 1, 1],
    ]);
  });

  it('says scaling stops at the first server that added less than 0.8 of the first, with its limit, or that it held', () => {
    expect(stopsAt(rows, 'lobby')).toMatch(/^at 3 lobbies: the last one added 0\.60 of the first; limit: the lobbies' quota .*; with every server at its quota, each did 433 req\/s against 500 for the first alone/);
    const machineBound = scalingRows([step('lobby', 1, 500, { lobbies: 0.1 }), step('lobby', 2, 600, { lobbies: 0.1, machine: 1.95 }, 0.3)], 2);
    expect(stopsAt(machineBound, 'lobby')).toMatch(/^at 2 lobbies: the last one added 0\.20 of the first; limit: the machine \(1\.95 of 2 cores busy[^;]*\); the lobbies got 0\.10 of their 0\.20$/);
    expect(stopsAt(rows, 'gate')).toBe('not within 2 gates: each added server did at least 0.8 of the first');
  });

  it('prints a row per step with the CPU of every process, then each step\'s limit', () => {
    const lines = formatScalingTable(rows);
    expect(lines[0]).toMatch(/^servers\s+req\/s\s+added\s+added\/first\s+rate\/\(n\*first\)\s+errors\s+bots ms\s+throttled\s+lobbies cpu\s+gates cpu\s+services cpu\s+etcd cpu\s+redis cpu\s+ferretdb cpu\s+bots cpu\s+machine cpu$/);
    expect(lines[1]).toMatch(/^1 lobby\s+500\s+500\s+1\.00\s+1\.00\s+0\.00%\s+20\s+90%\s+0\.10\s+0\.00/);
    expect(lines[3]).toMatch(/^3 lobbies\s+1300\s+300\s+0\.60\s+0\.87/);
    expect(lines[5]).toMatch(/^2 gates\s+800/);
    expect(lines.slice(7)).toHaveLength(5);
    expect(lines[7]).toMatch(/^limit at 1 lobby: the lobbies' quota/);
  });
});
