import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterSeries, HistogramSeries } from './series.js';

describe('CounterSeries', () => {
  it('serves each child by its labels, as prom-client writes a counter', async () => {
    const registry = new Registry();
    const counter = new CounterSeries('t_things_total', 'Things.', ['kind'], registry);
    counter.child({ kind: 'a' }).value += 2;
    const b = counter.child({ kind: 'b' });
    b.value++;
    expect(counter.child({ kind: 'b' })).toBe(b);
    expect(await registry.metrics()).toBe('# HELP t_things_total Things.\n# TYPE t_things_total counter\nt_things_total{kind="a"} 2\nt_things_total{kind="b"} 1\n');
  });

  it('pulls its values at scrape time when given a collect hook', async () => {
    const registry = new Registry();
    let source = 0;
    const counter: CounterSeries<'kind'> = new CounterSeries('t_pulled_total', 'Pulled.', ['kind'], registry, () => {
      counter.child({ kind: 'x' }).value = source;
    });
    source = 7;
    expect(await registry.metrics()).toContain('t_pulled_total{kind="x"} 7');
  });

  it('is zeroed by the registry reset, and children kept by callers still count', async () => {
    const registry = new Registry();
    const counter = new CounterSeries('t_reset_total', 'Reset.', [], registry);
    const child = counter.child({});
    child.value = 5;
    registry.resetMetrics();
    child.value++;
    expect(await registry.metrics()).toContain('t_reset_total 1');
  });

  it('refuses a second metric of the same name in one registry', () => {
    const registry = new Registry();
    new CounterSeries('t_dup_total', 'Dup.', [], registry);
    expect(() => new CounterSeries('t_dup_total', 'Dup.', [], registry)).toThrow();
  });
});

describe('HistogramSeries', () => {
  it('writes the same exposition as a prom-client histogram fed the same values', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const series = new HistogramSeries('t_seconds', 'Time.', ['route'], [0.01, 0.1, 1], ours);
    const reference = new Histogram({ name: 't_seconds', help: 'Time.', labelNames: ['route'], buckets: [0.01, 0.1, 1], registers: [theirs] });
    const child = series.child({ route: 'a.b' });
    for (const value of [0.005, 0.01, 0.05, 0.5, 3]) {
      child.observe(value);
      reference.observe({ route: 'a.b' }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses buckets that are not ascending', () => {
    expect(() => new HistogramSeries('t_bad', 'Bad.', [], [1, 1], new Registry())).toThrow(RangeError);
    expect(() => new HistogramSeries('t_none', 'None.', [], [], new Registry())).toThrow(RangeError);
  });
});
