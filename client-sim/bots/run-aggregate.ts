/**
 * The run as the main thread sees it: every worker's {@link IntervalSnapshot}s merged by second
 * into the series the report plots, whole-run HDR histograms per timed name, totals, and a live
 * view of the last few seconds for the progress display; {@link RunAggregate.summarize} turns it
 * into the {@link RunSummary} the report is written from, judged by the scenario's objectives.
 *
 * Memory is bounded: per second of the run a few numbers per name; histograms only for the whole
 * run and for the last {@link OPEN_SECONDS} seconds (each second's latency percentiles are taken once
 * every worker's snapshot of it is in); at most {@link MAX_NAMES} names (the rest under `(other)`).
 */
import { decodeFromCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, MAX_NAMES, OTHER } from './bot-metrics.js';
import { evaluateObjectives, objectiveFailures } from './objectives.js';
import { setOwn } from './own-entry.js';
import type { IntervalSnapshot, RouteSummary, RunSummary } from './run-summary.js';
import type { Objective } from './scenario.js';

/** Seconds kept open (with histograms) after the latest one seen: workers' snapshots of a second arrive within this. */
export const OPEN_SECONDS = 5;
/** Failure details and log lines kept for the summary. */
export const MAX_SAMPLES = 200;
const MAX_CHECKS = MAX_NAMES;
const MAX_JUMP_SECONDS = 3600;
const MAX_ERROR_CODES = MAX_NAMES;

/** What {@link RunAggregate.summarize} needs besides the snapshots. */
export interface SummaryMeta {
  scenario: RunSummary['scenario'];
  options: RunSummary['options'];
  startedAt: string;
  endedAt: string;
  ended: RunSummary['ended'];
  /** Where the steady part starts, in ms after the start (default `options.rampMs`). */
  rampMs?: number;
  /** How long the steady part lasts, in ms (default `options.durationMs`): rates are taken over it, without the stop. */
  durationMs?: number;
  /** The scenario's objectives (default none). */
  objectives?: readonly Objective[];
}

/** The last few seconds, for the progress display. */
export interface LiveView {
  /** Seconds since the run started, of the latest snapshot. */
  at: number;
  connected: number;
  connecting: number;
  /** Requests per second over the last few seconds. */
  rps: number;
  /** Requests and errors since the start. */
  requests: number;
  errors: number;
  /** Errors by code since the start. */
  errorsByCode: Record<string, number>;
  /** Latency percentiles in ms of each timed name over the last few seconds. */
  routes: Record<string, { p50: number; p99: number }>;
}

interface Timed {
  count: number;
  errors: number;
  histogram: Histogram;
}

interface Second {
  requests: number;
  errors: number;
  routes: Map<string, Timed>;
  // The workers' bot counts reported in this second.
  counts: Map<number, { connected: number; connecting: number }>;
}

interface RouteSeries {
  p50: number[];
  p99: number[];
  perSecond: number[];
}

/** Whether a timed name is a request's route (not a push or world wait, not the login). */
export function isRequestRoute(name: string): boolean {
  return name !== 'login' && !name.startsWith('push:') && !name.startsWith('wait:');
}

/** Every worker's snapshots of one run, merged. */
export class RunAggregate {
  private readonly whole = new Map<string, Timed>();
  private readonly open = new Map<number, Second>();
  private readonly errors = new Map<string, number>();
  private readonly checks = new Map<string, { pass: number; fail: number }>();
  private readonly samples = new Set<string>();
  private readonly workerCounts = new Map<number, { connected: number; connecting: number }>();
  private readonly series = { t: [] as number[], connected: [] as number[], requestsPerSecond: [] as number[], errorsPerSecond: [] as number[] };
  private readonly routeSeries = new Map<string, RouteSeries>();
  // The next second to close, and the latest second seen.
  private nextClose = 1;
  private latest = 0;
  private notifies = 0;
  private pushes = 0;
  private iterations = 0;
  private requests = 0;
  private failedRequests = 0;

  /**
   * Adds one worker's interval, to the second nearest its `at` (workers send theirs at whole
   * seconds after the start; a last, partial interval joins the nearest). A snapshot of a second
   * already closed adds to its counts only.
   * @throws RangeError for an `at` more than an hour past the latest second seen (a broken clock).
   */
  add(s: IntervalSnapshot): void {
    const second = Math.max(1, Math.round(s.at / 1000));
    if (!(second <= this.latest + MAX_JUMP_SECONDS)) throw new RangeError(`snapshot at ${s.at} ms is more than an hour after the latest (${this.latest} s)`);
    this.notifies += s.notifies;
    this.pushes += s.pushes;
    this.iterations += s.iterations;
    for (const [code, count] of Object.entries(s.errors)) increment(this.errors, cap(this.errors, code, MAX_ERROR_CODES), count);
    for (const [name, c] of Object.entries(s.checks)) {
      const key = cap(this.checks, name, MAX_CHECKS);
      let stat = this.checks.get(key);
      if (!stat) this.checks.set(key, (stat = { pass: 0, fail: 0 }));
      stat.pass += c.pass;
      stat.fail += c.fail;
    }
    for (const line of s.samples) if (this.samples.size < MAX_SAMPLES) this.samples.add(line);
    const errorCount = sum(Object.values(s.errors));
    const bucket = second >= this.nextClose ? this.second(second) : undefined;
    bucket?.counts.set(s.worker, { connected: s.connected, connecting: s.connecting });
    let requests = 0;
    for (const [name, r] of Object.entries(s.routes)) {
      const histogram = decodeFromCompressedBase64(r.histogram);
      const key = cap(this.whole, name, MAX_NAMES);
      merge(this.whole, key, r.count, r.errors, histogram);
      if (isRequestRoute(name)) {
        requests += r.count;
        this.requests += r.count;
        this.failedRequests += r.errors;
      }
      if (bucket) merge(bucket.routes, key, r.count, r.errors, histogram);
      else this.addLate(second, key, r.count);
    }
    if (bucket) {
      bucket.requests += requests;
      bucket.errors += errorCount;
    } else {
      const i = second - 1;
      if (i < this.series.t.length) {
        this.series.requestsPerSecond[i]! += requests;
        this.series.errorsPerSecond[i]! += errorCount;
      }
    }
    if (second > this.latest) this.latest = second;
    this.closeUntil(this.latest - OPEN_SECONDS);
  }

  /** The last few seconds, for the progress display. */
  live(): LiveView {
    const counts = new Map(this.workerCounts);
    const seconds = [...this.open.keys()].sort((a, b) => a - b);
    for (const second of seconds) for (const [worker, c] of this.open.get(second)!.counts) counts.set(worker, c);
    const routes: LiveView['routes'] = {};
    const merged = new Map<string, Timed>();
    let requests = 0;
    for (const second of seconds) {
      const bucket = this.open.get(second)!;
      requests += bucket.requests;
      for (const [name, t] of bucket.routes) merge(merged, name, t.count, t.errors, t.histogram);
    }
    for (const [name, t] of merged) {
      setOwn(routes, name, { p50: ms(t.histogram.getValueAtPercentile(50)), p99: ms(t.histogram.getValueAtPercentile(99)) });
    }
    const span = seconds.length === 0 ? 0 : seconds[seconds.length - 1]! - seconds[0]! + 1;
    return {
      at: this.latest,
      connected: sum([...counts.values()].map((c) => c.connected)),
      connecting: sum([...counts.values()].map((c) => c.connecting)),
      rps: span > 0 ? requests / span : 0,
      requests: this.requests,
      errors: sum([...this.errors.values()]),
      errorsByCode: record(this.errors),
      routes,
    };
  }

  /** The run's summary: series, whole-run latencies, totals, objectives, and whether it passed. */
  summarize(meta: SummaryMeta): RunSummary {
    this.closeUntil(this.latest);
    // Series index i is second i + 1, the interval (i, i + 1] s after the start.
    const rampSeconds = Math.floor((meta.rampMs ?? meta.options.rampMs) / 1000);
    const steadyEnd = Math.min(this.series.t.length, rampSeconds + Math.max(1, Math.ceil((meta.durationMs ?? meta.options.durationMs) / 1000)));
    // A run stopped during its ramp has no steady part: rates are taken over all of it.
    const [from, to] = steadyEnd > rampSeconds ? [rampSeconds, steadyEnd] : [0, this.series.t.length];
    const rate = (perSecond: readonly number[]): number => (to > from ? sum(perSecond.slice(from, to)) / (to - from) : 0);
    const routes: Record<string, RouteSummary> = {};
    for (const [name, t] of this.whole) {
      setOwn(routes, name, routeSummary(t, rate(this.routeSeries.get(name)?.perSecond ?? [])));
    }
    const login = this.whole.get('login');
    const errors = record(this.errors);
    const checks = record(new Map([...this.checks].map(([name, c]) => [name, { ...c }])));
    const totals: RunSummary['totals'] = {
      requests: this.requests,
      errors: sum([...this.errors.values()]),
      errorRate: this.requests > 0 ? this.failedRequests / this.requests : 0,
      notifies: this.notifies,
      pushes: this.pushes,
      iterations: this.iterations,
      loginsOk: login ? login.count - login.errors : 0,
      loginsFailed: login?.errors ?? 0,
      peakConnected: Math.max(0, ...this.series.connected),
      requestsPerSecond: rate(this.series.requestsPerSecond),
    };
    const objectives = evaluateObjectives(meta.objectives ?? [], {
      routes,
      totals,
      checks,
      percentile: (route, p) => {
        const t = this.whole.get(route);
        return t && t.count > 0 ? ms(t.histogram.getValueAtPercentile(p)) : NaN;
      },
    });
    const failures = objectiveFailures(objectives, checks);
    if (meta.ended === 'interrupted') failures.unshift('the run was interrupted');
    if (meta.ended === 'failed') failures.unshift('the run failed before its end');
    const routeSeries: RunSummary['series']['routes'] = {};
    for (const [name, series] of this.routeSeries) setOwn(routeSeries, name, series);
    return {
      scenario: meta.scenario,
      options: meta.options,
      startedAt: meta.startedAt,
      endedAt: meta.endedAt,
      ended: meta.ended,
      totals,
      routes,
      errors,
      checks,
      objectives,
      series: { ...this.series, routes: routeSeries },
      samples: [...this.samples],
      passed: failures.length === 0,
      failures,
    };
  }

  private second(second: number): Second {
    let bucket = this.open.get(second);
    if (!bucket) this.open.set(second, (bucket = { requests: 0, errors: 0, routes: new Map(), counts: new Map() }));
    return bucket;
  }

  /** Closes every open second up to `last`: its figures go into the series, its histograms are dropped. */
  private closeUntil(last: number): void {
    for (; this.nextClose <= last; this.nextClose++) {
      const second = this.nextClose;
      const bucket = this.open.get(second);
      this.open.delete(second);
      if (bucket) for (const [worker, c] of bucket.counts) this.workerCounts.set(worker, c);
      const i = this.series.t.length;
      this.series.t.push(second);
      this.series.connected.push(sum([...this.workerCounts.values()].map((c) => c.connected)));
      this.series.requestsPerSecond.push(bucket?.requests ?? 0);
      this.series.errorsPerSecond.push(bucket?.errors ?? 0);
      for (const [name, series] of this.routeSeries) {
        const t = bucket?.routes.get(name);
        pushPoint(series, t);
      }
      if (bucket) {
        for (const [name, t] of bucket.routes) {
          if (this.routeSeries.has(name)) continue;
          const series = emptySeries(i);
          pushPoint(series, t);
          this.routeSeries.set(name, series);
        }
      }
    }
  }

  private addLate(second: number, name: string, count: number): void {
    let series = this.routeSeries.get(name);
    if (!series) this.routeSeries.set(name, (series = emptySeries(this.series.t.length)));
    series.perSecond[second - 1]! += count;
  }
}

/** A route's series over `seconds` seconds in which it was not seen. */
function emptySeries(seconds: number): RouteSeries {
  return { p50: new Array<number>(seconds).fill(NaN), p99: new Array<number>(seconds).fill(NaN), perSecond: new Array<number>(seconds).fill(0) };
}

function pushPoint(series: RouteSeries, t: Timed | undefined): void {
  const has = t !== undefined && t.histogram.totalCount > 0;
  series.p50.push(has ? ms(t.histogram.getValueAtPercentile(50)) : NaN);
  series.p99.push(has ? ms(t.histogram.getValueAtPercentile(99)) : NaN);
  series.perSecond.push(t?.count ?? 0);
}

function routeSummary(t: Timed, perSecond: number): RouteSummary {
  const h = t.histogram;
  const any = h.totalCount > 0;
  const at = (p: number): number => (any ? ms(h.getValueAtPercentile(p)) : NaN);
  return {
    count: t.count,
    errors: t.errors,
    perSecond,
    mean: any ? ms(h.mean) : NaN,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: any ? ms(h.maxValue) : NaN,
    histogram: logBuckets(h),
  };
}

/** Ten buckets a decade: [upper bound in ms, count] for each non-empty one, in order. */
export function logBuckets(h: Histogram): Array<[number, number]> {
  const counts = new Map<number, number>();
  if (!(h instanceof JsHistogram)) return [];
  for (let i = 0; i < h.countsArrayLength; i++) {
    const count = h.getCountAtIndex(i);
    if (count === 0) continue;
    const value = h.highestEquivalentValue(h.valueFromIndex(i));
    const k = Math.max(0, Math.ceil(10 * Math.log10(Math.max(1, value)) - 1e-9));
    counts.set(k, (counts.get(k) ?? 0) + count);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([k, count]) => [Number((10 ** (k / 10) / 1000).toPrecision(3)), count]);
}

function merge(table: Map<string, Timed>, name: string, count: number, errors: number, histogram: Histogram): void {
  let t = table.get(name);
  if (!t) table.set(name, (t = { count: 0, errors: 0, histogram: createLatencyHistogram() }));
  t.count += count;
  t.errors += errors;
  t.histogram.add(histogram);
}

function cap(table: Map<string, unknown>, name: string, max: number): string {
  return table.has(name) || table.size < max ? name : OTHER;
}

function increment(table: Map<string, number>, key: string, by: number): void {
  table.set(key, (table.get(key) ?? 0) + by);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

const ms = (micros: number): number => micros / 1000;

function record<T>(table: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of table) setOwn(out, key, value);
  return out;
}

