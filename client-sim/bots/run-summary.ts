/**
 * What a bot run measures: the snapshots each worker sends once a second, and the summary of the
 * whole run that the report (JSON and HTML) is made from. Plain data, so that it crosses worker
 * threads and files as it is.
 */
import type { Objective } from './scenario.js';

/** One route's requests (or a push's or a wait's waits) in one interval of one worker. */
export interface RouteInterval {
  count: number;
  errors: number;
  /** Latencies in microseconds as an HDR histogram, compressed base64 (hdr-histogram-js). */
  histogram: string;
}

/** What one worker measured in one interval (about a second). */
export interface IntervalSnapshot {
  /** The worker's number. */
  worker: number;
  /** Milliseconds since the run started, at the interval's end. */
  at: number;
  /** Bots connected and authenticated at the interval's end. */
  connected: number;
  /** Bots waiting to log in or logging in. */
  connecting: number;
  /** Timed operations by name: a request's route, `push:<route>`, `wait:<label>`, `login`. */
  routes: Record<string, RouteInterval>;
  notifies: number;
  pushes: number;
  iterations: number;
  /** Errors by code (a server code, a CLIENT_ERR_*, BOT_ERR_*). */
  errors: Record<string, number>;
  checks: Record<string, { pass: number; fail: number }>;
  /** The first failure details of checks and errors in this interval (at most 10). */
  samples: string[];
}

/** One route over the whole run. Latencies in milliseconds. */
export interface RouteSummary {
  count: number;
  errors: number;
  perSecond: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** The latency histogram: [upper bound in ms, count] for each non-empty bucket, log-spaced. */
  histogram: Array<[number, number]>;
}

/** An objective's outcome. */
export interface ObjectiveResult {
  objective: Objective;
  /** In words, e.g. `p99 of Controls.move < 50 ms`. */
  description: string;
  /** The measured value (ms, a rate or per second); NaN when nothing was measured. */
  actual: number;
  passed: boolean;
}

/** The summary of a run: the report's JSON, and what the HTML report draws. */
export interface RunSummary {
  scenario: { name: string; description?: string; path: string };
  options: {
    bots: number;
    rampMs: number;
    durationMs: number;
    transport: string;
    login: string;
    workers: number;
    loginRatePerSecond: number;
    /** The bad networks bots ran behind, in words, with their shares. */
    networks: string[];
    seed: number;
  };
  startedAt: string;
  endedAt: string;
  /** Why it ended: `completed`, `interrupted` (Ctrl-C) or `failed` (the runner could not go on). */
  ended: 'completed' | 'interrupted' | 'failed';
  totals: {
    requests: number;
    errors: number;
    errorRate: number;
    notifies: number;
    pushes: number;
    iterations: number;
    loginsOk: number;
    loginsFailed: number;
    peakConnected: number;
    /** Requests per second over the steady part (after the ramp). */
    requestsPerSecond: number;
  };
  routes: Record<string, RouteSummary>;
  errors: Record<string, number>;
  checks: Record<string, { pass: number; fail: number }>;
  objectives: ObjectiveResult[];
  /** Per second of the run: seconds since the start, and what happened in that second. */
  series: {
    t: number[];
    connected: number[];
    requestsPerSecond: number[];
    errorsPerSecond: number[];
    routes: Record<string, { p50: number[]; p99: number[]; perSecond: number[] }>;
  };
  /** Sampled memory of the server (soak runs): seconds since the start, MiB. */
  memory?: { t: number[]; rssMiB: number[]; heapUsedMiB: number[]; verdict: string };
  /** Failure details, the first of each kind, and the bots' log lines (bounded). */
  samples: string[];
  /** True when every check and objective passed and the run was not interrupted. */
  passed: boolean;
  /** Why it did not pass, one line each. */
  failures: string[];
}
