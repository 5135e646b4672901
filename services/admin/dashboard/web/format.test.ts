import { describe, expect, it } from 'vitest';
import { DASH, formatAnswered, formatBytes, formatClock, formatCount, formatCpu, formatMs, formatUptime } from './format.js';

describe('the dashboard\'s number formats', () => {
  it('writes counts with thousands separators, rounded', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1_234_567.4)).toBe('1,234,567');
  });

  it('writes milliseconds with fewer decimals as they grow', () => {
    expect(formatMs(0.4234)).toBe('0.42 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234.4)).toBe('1,234 ms');
  });

  it('writes CPU use as a percentage of one core, past 100% when several are busy', () => {
    expect(formatCpu(0)).toBe('0.0%');
    expect(formatCpu(0.125)).toBe('12.5%');
    expect(formatCpu(1.5)).toBe('150.0%');
  });

  it('writes bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(42 * 1024 * 1024)).toBe('42.0 MiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072.0 TiB');
  });

  it('writes an uptime in its two largest units, and never a negative one', () => {
    const start = Date.UTC(2026, 0, 1);
    expect(formatUptime(start, start + 45_900)).toBe('45 s');
    expect(formatUptime(start, start + 185_000)).toBe('3 min 5 s');
    expect(formatUptime(start, start + (2 * 60 + 10) * 60_000)).toBe('2 h 10 min');
    expect(formatUptime(start, start + (4 * 24 + 3) * 3_600_000)).toBe('4 d 3 h');
    expect(formatUptime(start, start - 5_000)).toBe('0 s');
  });

  it('writes a clock time in UTC', () => {
    expect(formatClock(Date.UTC(2026, 11, 4, 21, 5, 9, 700))).toBe('21:05:09');
  });

  it('says which servers answered a poll', () => {
    expect(formatAnswered(3, 0)).toBe('all 3 servers answered');
    expect(formatAnswered(1, 0)).toBe('the server answered');
    expect(formatAnswered(3, 1)).toBe('1 of 3 servers did not answer');
    expect(formatAnswered(1, 1)).toBe('1 of 1 server did not answer');
  });

  it('writes a dash for what was not measured', () => {
    for (const missing of [undefined, null, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect([formatCount(missing), formatMs(missing), formatCpu(missing), formatBytes(missing), formatUptime(missing, 0)]).toEqual([DASH, DASH, DASH, DASH, DASH]);
    }
  });
});
