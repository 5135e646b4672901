import { describe, expect, it } from 'vitest';
import { coresBetween, MACHINE, parseMachineSeconds, readCpu } from './cpu-use.js';

describe('parseMachineSeconds', () => {
  it('adds the busy ticks of the machine line of /proc/stat: user, nice, system, irq, softirq, steal', () => {
    const stat = 'cpu  100 20 30 5000 400 6 7 8 0 0\ncpu0 50 10 15 2500 200 3 3 4 0 0\nintr 1 2 3\n';
    expect(parseMachineSeconds(stat)).toBeCloseTo((100 + 20 + 30 + 6 + 7 + 8) / 100);
  });

  it('rejects text without a cpu line', () => {
    expect(() => parseMachineSeconds('intr 1 2 3')).toThrow(/not \/proc\/stat/);
  });
});

describe('readCpu and coresBetween', () => {
  it('reads each named set and the machine, and gives the cores used between two readings', async () => {
    const from = await readCpu({ self: [process.pid], gone: [] }, 0);
    expect(Object.keys(from.seconds).sort()).toEqual(['gone', MACHINE, 'self']);
    const to = { atMs: 2_000, seconds: { self: from.seconds['self']! + 1, gone: 0, [MACHINE]: from.seconds[MACHINE]! + 3 } };
    expect(coresBetween(from, to)).toEqual({ self: 0.5, gone: 0, [MACHINE]: 1.5 });
    expect(() => coresBetween(to, from)).toThrow(RangeError);
  });
});
