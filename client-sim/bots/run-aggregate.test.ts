import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { BotMetrics, createLatencyHistogram, MAX_NAMES, OTHER } from './bot-metrics.js';
import { isRequestRoute, logBuckets, MAX_SAMPLES, OPEN_SECONDS, RunAggregate, type SummaryMeta } from './run-aggregate.js';
import type { IntervalSnapshot } from './run-summary.js';

const meta = (over: Partial<SummaryMeta> = {}): SummaryMeta => ({
  scenario: { name: 'echo', path: 'scenarios/echo.ts' },
  options: { bots: 4, rampMs: 1_000, durationMs: 2_000, transport: 'tcp', login: 'http://127.0.0.1:1', workers: 2, loginRatePerSecond: 50, networks: [], seed: 1 },
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:03.000Z',
  ended: 'completed',
  ...over,
});

/** Two workers' metrics on one clock, and a step that records then snapshots both a second later. */
function workers() {
  const clock = new ManualClock();
  const start = clock.now();
  const w = [new BotMetrics(0, clock, start), new BotMetrics(1, clock, start)];
  const aggregate = new RunAggregate();
  const tick = (record: (m: BotMetrics, worker: number) => void): IntervalSnapshot[] => {
    w.forEach(record);
    clock.advance(1_000);
    const snapshots = w.map((m) => m.snapshot());
    snapshots.forEach((s) => aggregate.add(s));
    return snapshots;
  };
  return { clock, w, aggregate, tick };
}

describe('RunAggregate', () => {
  it('merges the workers by second into series, whole-run latencies and totals', () => {
    const { aggregate, tick } = workers();
    // Second 1 (the ramp): worker 0 logs in 2 bots; second 2 and 3: 2 bots each, 10 requests each.
    tick((m, worker) => {
      if (worker === 0) {
        m.timed('login', 80);
        m.timed('login', 120, 'LOGIN_ERR_RATE_LIMITED');
      }
      m.setCounts(worker === 0 ? 1 : 0, 1);
    });
    for (let second = 2; second <= 3; second++) {
      tick((m, worker) => {
        for (let i = 1; i <= 10; i++) m.timed('Echo.echo', worker === 0 ? i : 10 * i);
        m.timed('push:echo.done', 3);
        m.timed('wait:world', 4);
        if (second === 3 && worker === 1) m.timed('Echo.echo', 500, 'CLIENT_ERR_REQUEST_TIMEOUT', 'Echo.echo: no reply');
        m.notify();
        m.push();
        m.iteration();
        m.check('echoed', true);
        m.setCounts(2, 0);
      });
    }
    const s = aggregate.summarize(meta());
    expect(s.series.t).toEqual([1, 2, 3]);
    expect(s.series.connected).toEqual([1, 4, 4]);
    expect(s.series.requestsPerSecond).toEqual([0, 20, 21]);
    expect(s.series.errorsPerSecond).toEqual([1, 0, 1]);
    expect(s.series.routes['Echo.echo']!.perSecond).toEqual([0, 20, 21]);
    expect(s.series.routes['Echo.echo']!.p50[0]).toBeNaN();
    expect(s.series.routes['Echo.echo']!.p99[1]).toBeCloseTo(100, 0);
    expect(s.series.routes['Echo.echo']!.p99[2]).toBeCloseTo(500, 0);
    expect(s.totals).toEqual({
      requests: 41,
      errors: 2,
      errorRate: 1 / 41,
      notifies: 4,
      pushes: 4,
      iterations: 4,
      loginsOk: 1,
      loginsFailed: 1,
      peakConnected: 4,
      requestsPerSecond: 20.5,
    });
    expect(s.routes['Echo.echo']).toMatchObject({ count: 41, errors: 1, perSecond: 20.5 });
    expect(s.routes['Echo.echo']!.p50).toBeCloseTo(10, 1);
    expect(s.routes['Echo.echo']!.max).toBeCloseTo(500, 0);
    expect(s.routes['Echo.echo']!.p999).toBeCloseTo(500, 0);
    expect(s.routes['Echo.echo']!.histogram.reduce((n, [, count]) => n + count, 0)).toBe(41);
    expect(s.routes['push:echo.done']).toMatchObject({ count: 4, perSecond: 2 });
    expect(s.errors).toEqual({ LOGIN_ERR_RATE_LIMITED: 1, CLIENT_ERR_REQUEST_TIMEOUT: 1 });
    expect(s.checks).toEqual({ echoed: { pass: 4, fail: 0 } });
    expect(s.samples).toEqual(['CLIENT_ERR_REQUEST_TIMEOUT: Echo.echo: no reply']);
    expect([s.passed, s.failures, s.objectives]).toEqual([true, [], []]);
    expect(JSON.parse(JSON.stringify(s)).series.routes['Echo.echo'].p50[0]).toBeNull();
  });

  it('judges the run by its objectives and checks, and an interrupted run never passes', () => {
    const { aggregate, tick } = workers();
    tick((m) => {
      m.timed('Echo.echo', 60);
      m.check('echoed', false, 'got 2');
      m.check('hero seen', false);
      m.check('hero seen', true);
    });
    const s = aggregate.summarize(
      meta({
        ended: 'interrupted',
        objectives: [
          { kind: 'latency', route: 'Echo.echo', percentile: 99, belowMs: 50 },
          { kind: 'latency', route: 'Echo.echo', percentile: 99, belowMs: 100 },
          { kind: 'checks', name: 'hero seen', atLeast: 0.5 },
        ],
      }),
    );
    expect(s.objectives.map((o) => [o.description, o.passed])).toEqual([
      ['p99 of Echo.echo < 50 ms', false],
      ['p99 of Echo.echo < 100 ms', true],
      ['check "hero seen" passes >= 50%', true],
    ]);
    expect(s.objectives[0]!.actual).toBeCloseTo(60, 0);
    expect(s.passed).toBe(false);
    expect(s.failures).toEqual(['the run was interrupted', 'objective p99 of Echo.echo < 50 ms: measured 60 ms', 'check "echoed" failed 2 of 2 times']);
    expect(aggregate.summarize(meta({ ended: 'failed' })).failures[0]).toBe('the run failed before its end');
  });

  it('shows the last seconds live: bots, requests per second, errors by code and latencies', () => {
    const { aggregate, tick } = workers();
    expect(aggregate.live()).toEqual({ at: 0, connected: 0, connecting: 0, rps: 0, requests: 0, errors: 0, errorsByCode: {}, routes: {} });
    for (let second = 1; second <= OPEN_SECONDS + 3; second++) {
      tick((m, worker) => {
        for (let i = 0; i < second; i++) m.timed('Echo.echo', second);
        if (worker === 1) m.error('GATE_ERR_RATE_LIMIT');
        m.setCounts(second, worker);
      });
    }
    const live = aggregate.live();
    expect(live).toMatchObject({ at: OPEN_SECONDS + 3, connected: 2 * (OPEN_SECONDS + 3), connecting: 1, requests: 2 * 36, errors: 8, errorsByCode: { GATE_ERR_RATE_LIMIT: 8 } });
    // Seconds 4 to 8 are open: 2 × (4 + 5 + … + 8) requests in 5 seconds.
    expect(live.rps).toBeCloseTo((2 * 30) / 5, 6);
    expect(live.routes['Echo.echo']!.p99).toBeCloseTo(8, 1);
    expect(live.routes['Echo.echo']!.p50).toBeGreaterThanOrEqual(6);
  });

  it('adds a snapshot of a second already closed to its counts, not to its latencies', () => {
    const { aggregate, w, tick } = workers();
    for (let i = 0; i < OPEN_SECONDS + 2; i++) tick(() => {});
    w[0]!.timed('Echo.echo', 5);
    w[0]!.error('GATE_ERR_RATE_LIMIT');
    aggregate.add({ ...w[0]!.snapshot(), at: 1_000 });
    const s = aggregate.summarize(meta());
    expect(s.series.t).toHaveLength(OPEN_SECONDS + 2);
    expect([s.series.requestsPerSecond[0], s.series.errorsPerSecond[0]]).toEqual([1, 1]);
    expect(s.series.routes['Echo.echo']!.perSecond[0]).toBe(1);
    expect(s.series.routes['Echo.echo']!.p99[0]).toBeNaN();
    expect(s.totals.requests).toBe(1);
    expect(s.routes['Echo.echo']!.p99).toBeCloseTo(5, 1);
  });

  it('takes the second nearest a snapshot, merging a last partial interval into it', () => {
    const aggregate = new RunAggregate();
    const empty = { worker: 0, connected: 0, connecting: 0, routes: {}, notifies: 1, pushes: 0, iterations: 0, errors: {}, checks: {}, samples: [] };
    for (const at of [1_003, 1_998, 3_000, 3_300]) aggregate.add({ ...empty, at, notifies: at });
    const s = aggregate.summarize(meta());
    expect(s.series.t).toEqual([1, 2, 3]);
    expect(s.totals.notifies).toBe(1_003 + 1_998 + 3_000 + 3_300);
    expect(() => aggregate.add({ ...empty, at: 3_700_000 })).toThrow(RangeError);
  });

  it(`keeps at most ${MAX_NAMES} names over all workers, and ${MAX_SAMPLES} distinct samples`, () => {
    const { aggregate, w, tick } = workers();
    tick((m, worker) => {
      for (let i = 0; i < MAX_NAMES; i++) m.timed(`W${worker}.r${i}`, 1);
    });
    for (let i = 0; i < MAX_SAMPLES + 20; i++) {
      w[0]!.log('same line');
      w[0]!.error(`CODE_${i}`, 'x');
      aggregate.add(w[0]!.snapshot());
    }
    const s = aggregate.summarize(meta());
    expect(Object.keys(s.routes)).toHaveLength(MAX_NAMES + 1);
    expect(s.routes[OTHER]!.count).toBe(MAX_NAMES);
    expect(Object.keys(s.series.routes)).toHaveLength(MAX_NAMES + 1);
    expect(s.samples).toHaveLength(MAX_SAMPLES);
    expect(s.samples.filter((line) => line === 'same line')).toHaveLength(1);
  });

  it('rates over the whole run when it stopped during its ramp', () => {
    const { aggregate, tick } = workers();
    tick((m) => m.timed('Echo.echo', 1));
    tick((m) => m.timed('Echo.echo', 1));
    const s = aggregate.summarize(meta({ options: { ...meta().options, rampMs: 30_000 }, ended: 'interrupted' }));
    expect(s.totals.requestsPerSecond).toBe(2);
  });
});

describe('isRequestRoute', () => {
  it('tells requests from pushes, world waits and the login', () => {
    expect(['Echo.echo', 'push:x', 'wait:world', 'login'].map(isRequestRoute)).toEqual([true, false, false, false]);
  });
});

describe('logBuckets', () => {
  it('counts latencies in ten buckets a decade, by upper bound in ms', () => {
    const h = createLatencyHistogram();
    for (const micros of [1_000, 1_000, 1_200, 9_000, 250_000]) h.recordValue(micros);
    expect(logBuckets(h)).toEqual([
      [1, 2],
      [1.26, 1],
      [10, 1],
      [251, 1],
    ]);
  });
});
