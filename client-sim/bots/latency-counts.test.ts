import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from './bot-metrics.js';
import { LatencyCounts, MAX_COUNTED } from './latency-counts.js';
import { botRandom } from './bot-random.js';

describe('LatencyCounts', () => {
  it('drains into an HDR histogram exactly as recording each value there would', () => {
    const random = botRandom(3, 0);
    const counts = new LatencyCounts();
    const direct = createLatencyHistogram();
    const values = [0, 1, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 123_456, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 12_345, 3_600_000_000, MAX_COUNTED];
    for (let i = 0; i < 20_000; i++) values.push(Math.floor(random() ** 4 * 10_000_000));
    for (const v of values) {
      counts.record(v);
      direct.recordValue(v);
    }
    expect(counts.total).toBe(values.length);
    const drained = createLatencyHistogram();
    counts.drainInto(drained);
    expect(drained.totalCount).toBe(direct.totalCount);
    for (const p of [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) expect(drained.getValueAtPercentile(p), `p${p}`).toBe(direct.getValueAtPercentile(p));
  });

  it('starts from zero after a drain, and counts values out of range at the bounds', () => {
    const counts = new LatencyCounts();
    counts.record(500);
    counts.drainInto(createLatencyHistogram());
    expect(counts.total).toBe(0);
    counts.record(-7);
    counts.record(2 ** 40);
    const h = createLatencyHistogram();
    counts.drainInto(h);
    expect(h.totalCount).toBe(2);
    expect(h.getValueAtPercentile(1)).toBe(0);
    const direct = createLatencyHistogram();
    direct.recordValue(MAX_COUNTED);
    expect(h.getValueAtPercentile(100)).toBe(direct.getValueAtPercentile(100));
  });
});
