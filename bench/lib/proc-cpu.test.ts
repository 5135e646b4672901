import { describe, expect, it } from 'vitest';
import { cpuSeconds, parseCpuTicks } from './proc-cpu.js';

describe('parseCpuTicks', () => {
  it('adds the user and system ticks of a stat line', () => {
    const stat = '4796 (cat) R 4792 4792 30804 0 -1 4194304 99 0 0 0 17 5 0 0 20 0 1 0 3416342 3133440 379';
    expect(parseCpuTicks(stat)).toBe(22);
  });

  it('counts fields from the last parenthesis, whatever the command name holds', () => {
    const stat = '12 (node (worker) x) S 1 12 12 0 -1 4194304 99 0 0 0 300 45 0 0 20 0 11 0 1 2 3';
    expect(parseCpuTicks(stat)).toBe(345);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseCpuTicks('no such process')).toThrow(/not a \/proc stat line/);
  });
});

describe('cpuSeconds', () => {
  it('reads the CPU time this process has used so far', async () => {
    const used = process.cpuUsage();
    const seconds = await cpuSeconds(process.pid);
    expect(seconds).toBeGreaterThanOrEqual(0);
    // /proc counts in hundredths of a second, so it may lag cpuUsage() by one tick per field.
    expect(seconds).toBeLessThanOrEqual((used.user + used.system) / 1e6 + 1);
  });
});
