import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../run-summary.js';
import { sampleSummary } from './fixtures/sample-summary.js';
import { MAX_ROUTE_PLOTS, PALETTE, reportPlots, routeOrder } from './report-plots.js';

describe('routeOrder', () => {
  it('puts requests first, then pushes, waits and logins, each by count, most first', () => {
    expect(routeOrder(sampleSummary())).toEqual(['Controls.move', 'Combat.attack', 'Lobby.enterField', 'push:arena.hit', 'wait:hero', 'login']);
  });

  it('includes routes that are only in the series', () => {
    const summary = sampleSummary({ routes: 1 });
    summary.series.routes['Chat.say'] = { p50: [1], p99: [2], perSecond: [1] };
    expect(routeOrder(summary)).toEqual(['Controls.move', 'Chat.say']);
  });
});

describe('reportPlots', () => {
  const summary = sampleSummary({ memory: true });
  const plots = reportPlots(summary);
  const byId = (id: string) => plots.find((p) => p.id === id)!;

  it('plots connected bots, throughput and errors, two plots per route, and memory, in that order', () => {
    expect(plots.map((p) => p.id)).toEqual([
      'connected', 'throughput', 'errors',
      ...[0, 1, 2, 3, 4, 5].flatMap((i) => [`route-${i}-latency`, `route-${i}-histogram`]),
      'memory',
    ]);
    expect(plots.filter((p) => p.section === 'route').map((p) => p.title).slice(0, 2)).toEqual(['Controls.move: latency over time', 'Controls.move: latency histogram']);
  });

  it('labels every axis and every series with its unit', () => {
    for (const plot of plots) {
      expect(plot.x.label.length, plot.id).toBeGreaterThan(0);
      expect(plot.y.label.length, plot.id).toBeGreaterThan(0);
      for (const s of plot.series) expect([s.label.length > 0, s.unit.length > 0], `${plot.id} ${s.label}`).toEqual([true, true]);
    }
    expect(byId('route-0-latency').y.label).toBe('latency (ms)');
    expect(byId('route-0-histogram').x).toMatchObject({ kind: 'ms', label: 'latency (ms, log scale)' });
    expect(byId('memory').y.label).toBe('memory (MiB)');
    expect(byId('connected').x).toMatchObject({ kind: 'seconds', label: 'time since start', values: summary.series.t });
  });

  it('draws p50 and p99 over time per route, with gaps for seconds without requests', () => {
    const s = sampleSummary({ routes: 1 });
    s.series.routes['Controls.move']!.perSecond[3] = 0;
    s.series.routes['Controls.move']!.p99[3] = 0;
    s.series.routes['Controls.move']!.p50[4] = NaN;
    const latency = reportPlots(s).find((p) => p.id === 'route-0-latency')!;
    expect(latency.series.map((x) => [x.label, x.unit])).toEqual([['p50', 'ms'], ['p99', 'ms']]);
    expect(latency.series[1]!.values[3]).toBeNull();
    expect(latency.series[0]!.values[4]).toBeNull();
    expect(latency.series[1]!.values[5]).toBe(s.series.routes['Controls.move']!.p99[5]);
  });

  it("draws each route's histogram as bars of counts at the buckets' upper bounds", () => {
    const histogram = byId('route-3-histogram');
    expect(histogram.route).toBe('push:arena.hit');
    expect(histogram.x.values).toEqual(summary.routes['push:arena.hit']!.histogram.map(([b]) => b));
    expect(histogram.series).toEqual([expect.objectContaining({ style: 'bars', unit: 'pushes', values: summary.routes['push:arena.hit']!.histogram.map(([, n]) => n) })]);
  });

  it('marks where the ramp ends and where the run stops', () => {
    expect(byId('connected').markers).toEqual([{ x: 30, label: 'ramp ends' }, { x: 90, label: 'stop' }]);
    const noRamp: RunSummary = { ...summary, options: { ...summary.options, rampMs: 0, durationMs: 600_000 } };
    expect(reportPlots(noRamp)[0]!.markers).toEqual([]);
  });

  it('shows the target bots as a dashed line and the busiest request routes in the throughput plot', () => {
    expect(byId('connected').series[1]).toMatchObject({ label: 'target', style: 'dashed', values: summary.series.t.map(() => 2000) });
    expect(byId('throughput').series.map((s) => s.label)).toEqual(['all requests', 'Controls.move', 'Combat.attack', 'Lobby.enterField']);
  });

  it('gives the series of a plot different colours from a colour-blind-safe palette', () => {
    for (const plot of plots) {
      const colors = plot.series.map((s) => s.color);
      expect(new Set(colors).size, plot.id).toBe(colors.length);
    }
    expect(PALETTE).toContain(byId('errors').series[0]!.color);
  });

  it(`plots at most ${MAX_ROUTE_PLOTS} routes one by one, and no memory without a soak`, () => {
    const many = sampleSummary({ routes: 1 });
    for (let i = 0; i < MAX_ROUTE_PLOTS + 5; i++) {
      many.routes[`R.r${i}`] = { ...many.routes['Controls.move']! };
      many.series.routes[`R.r${i}`] = many.series.routes['Controls.move']!;
    }
    const manyPlots = reportPlots(many);
    expect(manyPlots.filter((p) => p.section === 'route')).toHaveLength(2 * MAX_ROUTE_PLOTS);
    expect(manyPlots.some((p) => p.section === 'memory')).toBe(false);
    expect(manyPlots.find((p) => p.id === 'throughput')!.series).toHaveLength(7);
  });

  it('writes values nothing measured as null', () => {
    const s = sampleSummary({ routes: 1 });
    s.series.connected[0] = NaN;
    expect(reportPlots(s)[0]!.series[0]!.values[0]).toBeNull();
  });
});

describe('objective lines', () => {
  const summary = sampleSummary();
  const plots = reportPlots(summary);
  const byId = (id: string) => plots.find((p) => p.id === id)!;

  it("draws each latency objective on its route's latency plot only", () => {
    expect(byId('route-0-latency').thresholds).toEqual([{ y: 50, label: 'objective: p99 < 50 ms' }]);
    expect(byId('route-1-latency').thresholds).toEqual([{ y: 40, label: 'objective: p99 < 40 ms' }]);
    expect(byId('route-2-latency').thresholds).toEqual([]);
    expect(byId('route-0-histogram').thresholds).toEqual([]);
  });

  it('draws throughput objectives on the throughput plot, naming their route', () => {
    expect(byId('throughput').thresholds).toEqual([{ y: 5000, label: 'objective: all requests >= 5000 requests/s' }]);
    const routed = sampleSummary();
    routed.objectives = [{ objective: { kind: 'throughput', route: 'Controls.move', atLeast: 100 }, description: '', actual: 1, passed: true }];
    expect(reportPlots(routed).find((p) => p.id === 'throughput')!.thresholds).toEqual([{ y: 100, label: 'objective: Controls.move >= 100 requests/s' }]);
    expect(byId('connected').thresholds).toEqual([]);
    expect(byId('errors').thresholds).toEqual([]);
  });
});
