import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricLabels, metricValue } from './fixtures/metric-values.js';
import { pulledCounter, pulledGauge } from './pulled-metrics.js';

describe('pulled metrics', () => {
  it('read their value at each scrape, and leave the last one while their source has none', async () => {
    const registry = new Registry();
    let value: number | undefined = 3;
    pulledGauge(registry, { name: 'test_gauge', help: 'a gauge' }, () => value);
    pulledCounter(registry, { name: 'test_total', help: 'a counter' }, () => value && value * 10);
    expect(await metricValue(registry, 'test_gauge')).toBe(3);
    expect(await metricValue(registry, 'test_total')).toBe(30);
    value = 5;
    expect(await metricValue(registry, 'test_gauge')).toBe(5);
    expect(await metricValue(registry, 'test_total')).toBe(50);
    value = undefined;
    expect(await metricValue(registry, 'test_gauge')).toBe(5);
  });

  it('serve one sample per label set, and drop label sets their source no longer lists', async () => {
    const registry = new Registry();
    let values: [Record<string, string>, number][] = [
      [{ kind: 'a' }, 1],
      [{ kind: 'b' }, 2],
    ];
    pulledGauge(registry, { name: 'test_by_kind', help: 'by kind', labelNames: ['kind'] }, () => values);
    expect(await metricValue(registry, 'test_by_kind', { kind: 'b' })).toBe(2);
    values = [[{ kind: 'a' }, 4]];
    expect(await metricLabels(registry, 'test_by_kind')).toEqual([{ kind: 'a' }]);
    expect(await metricValue(registry, 'test_by_kind', { kind: 'a' })).toBe(4);
  });
});
