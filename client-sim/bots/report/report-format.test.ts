import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatMs, formatPercent, formatPerSecond } from './report-format.js';

describe("the report's number formats", () => {
  it('writes latencies with fewer decimals as they grow', () => {
    expect([0.4234, 9.876, 12.34, 1234.5].map(formatMs)).toEqual(['0.42 ms', '9.88 ms', '12.3 ms', '1,235 ms']);
  });

  it('writes counts with thousands separators', () => {
    expect([0, 999, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,234,567']);
  });

  it('writes rates as percentages with more digits for smaller rates', () => {
    expect([0, 0.00004, 0.0012, 0.05, 0.995, 1].map(formatPercent)).toEqual(['0.0%', '0.004%', '0.12%', '5.0%', '99.5%', '100.0%']);
  });

  it('writes per-second figures with at most one decimal', () => {
    expect([4076.14, 16].map(formatPerSecond)).toEqual(['4,076.1/s', '16/s']);
  });

  it('writes durations in ms, s, min and h', () => {
    expect([850, 45_000, 120_000, 150_000, 3_600_000, 3_900_000].map(formatDuration)).toEqual(['850 ms', '45 s', '2 min', '2 min 30 s', '1 h', '1 h 5 min']);
  });

  it('writes a dash for what was not measured: NaN, null, infinities', () => {
    for (const format of [formatMs, formatCount, formatPercent, formatPerSecond, formatDuration]) {
      expect([format(NaN), format(null), format(undefined), format(Infinity)]).toEqual(['\u2014', '\u2014', '\u2014', '\u2014']);
    }
  });
});
