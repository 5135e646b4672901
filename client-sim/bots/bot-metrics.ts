/**
 * What the bots of one worker measure: timed operations by name (a request's route, `push:<route>`,
 * `wait:<label>`, `login`) in HDR histograms of microseconds, errors by code, checks, counters, and
 * the first failure details. {@link BotMetrics.snapshot} hands the interval over as an
 * {@link IntervalSnapshot} (once a second, to the runner's main thread) and starts the next one.
 *
 * Recording is cheap and allocates nothing once a name is known: a map lookup, an increment in
 * the name's {@link LatencyCounts}, a counter; the counts become HDR histograms once an interval. Every table is bounded: names past the caps are counted under `(other)`.
 */
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { Clock } from '../../engine/timer/clock.js';
import { errorCodeOf } from './error-code.js';
import { LatencyCounts } from './latency-counts.js';
import { setOwn } from './own-entry.js';
import type { IntervalSnapshot, RouteInterval } from './run-summary.js';

/** Distinct timed names, error codes and check names each, past which they fold into {@link OTHER}. */
export const MAX_NAMES = 256;
/** The name that names past {@link MAX_NAMES} are counted under. */
export const OTHER = '(other)';
/** Failure details and log lines kept per interval. */
export const MAX_SAMPLES_PER_INTERVAL = 10;
/** The longest latency a histogram tracks: an hour, in microseconds; longer ones count as an hour. */
export const HIGHEST_MICROS = 3_600_000_000;
/** Log lines a worker keeps for the report over the whole run. */
const MAX_LOG_SAMPLES = 50;
/** Kinds of failure (codes, check names) a worker remembers having sampled. */
const MAX_SAMPLED_KINDS = 1024;
/** The longest sample line and name kept; longer ones are cut. */
const MAX_SAMPLE_CHARS = 500;
const MAX_NAME_CHARS = 255;

/**
 * A new histogram of microseconds, as every worker and the aggregate build them (so that they
 * merge): 3 significant digits; it starts small and grows to the largest value recorded, so that a
 * name with short latencies takes little memory.
 */
export function createLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, autoResize: true });
}

class TimedStat {
  count = 0;
  errors = 0;
  readonly latencies = new LatencyCounts();
}

class CheckStat {
  pass = 0;
  fail = 0;
}

/** The measurements of one worker's bots, interval by interval. Not shared between threads. */
export class BotMetrics {
  private readonly timed_ = new Map<string, TimedStat>();
  private readonly errors_ = new Map<string, number>();
  private readonly checks_ = new Map<string, CheckStat>();
  private readonly counted = new WeakSet<object>();
  // Each name's counts go through this one histogram when they are encoded.
  private readonly scratch = createLatencyHistogram();
  private readonly sampledKinds = new Set<string>();
  private samples: string[] = [];
  private logSamples = 0;
  private notifies = 0;
  private pushes = 0;
  private iterations = 0;
  private connected = 0;
  private connecting = 0;

  /**
   * @param worker the worker's number, copied into each snapshot.
   * @param clock the time snapshots are stamped with.
   * @param runStartMs the run's start on `clock`; snapshots say how long after it they were taken.
   */
  constructor(
    private readonly worker: number,
    private readonly clock: Clock,
    private readonly runStartMs: number,
  ) {}

  /**
   * One timed operation: its latency in milliseconds, and its error code when it failed (counted
   * under the code too). A negative or non-finite latency counts as 0.
   */
  timed(name: string, ms: number, code?: string, detail?: string): void {
    const stat = this.timedStat(name);
    stat.count++;
    const micros = ms > 0 ? Math.round(ms * 1000) : 0;
    stat.latencies.record(micros < HIGHEST_MICROS ? micros : HIGHEST_MICROS);
    if (code !== undefined) {
      stat.errors++;
      this.error(code, detail);
    }
  }

  /**
   * A timed operation that failed with `err`: counted under `name` with its latency and under
   * {@link errorCodeOf}(err), once per error object (see {@link failure}).
   * @returns the code it was counted under.
   */
  timedFailure(name: string, ms: number, err: unknown): string {
    const code = errorCodeOf(err);
    if (typeof err === 'object' && err !== null) this.counted.add(err);
    this.timed(name, ms, code, detailOf(err));
    return code;
  }

  /**
   * A failure outside a timed operation (an iteration that threw): counted under
   * {@link errorCodeOf}(err), unless this same error was already counted (a bot's request or wait
   * counts its failure, then rethrows it) or is `BOT_ERR_STOPPED` (a wait cut short by the stop).
   * @returns the code it was counted under, or undefined when it was not counted.
   */
  failure(err: unknown): string | undefined {
    const code = errorCodeOf(err);
    if (code === 'BOT_ERR_STOPPED') return undefined;
    if (typeof err === 'object' && err !== null) {
      if (this.counted.has(err)) return undefined;
      this.counted.add(err);
    }
    this.error(code, detailOf(err));
    return code;
  }

  /** An error under `code`; `detail` is kept when it is the first of its code this worker saw. */
  error(code: string, detail?: string): void {
    const key = capped(this.errors_, code);
    this.errors_.set(key, (this.errors_.get(key) ?? 0) + 1);
    if (detail !== undefined) this.sampleOnce(key, `${key}: ${detail}`);
  }

  /** A notify sent. */
  notify(): void {
    this.notifies++;
  }

  /** A push received. */
  push(): void {
    this.pushes++;
  }

  /** An iteration of the scenario completed. */
  iteration(): void {
    this.iterations++;
  }

  /** A check's outcome; `detail` of a failure is kept when it is the first of its name this worker saw. */
  check(name: string, ok: boolean, detail?: string): void {
    const key = capped(this.checks_, name);
    let stat = this.checks_.get(key);
    if (!stat) this.checks_.set(key, (stat = new CheckStat()));
    if (ok) {
      stat.pass++;
      return;
    }
    stat.fail++;
    this.sampleOnce(`check ${key}`, `check ${key} failed${detail === undefined ? '' : `: ${detail}`}`);
  }

  /** A line for the report (the first {@link MAX_LOG_SAMPLES} of the run, as room in the intervals allows). */
  log(line: string): void {
    if (this.logSamples >= MAX_LOG_SAMPLES || this.samples.length >= MAX_SAMPLES_PER_INTERVAL) return;
    this.logSamples++;
    this.samples.push(cut(line));
  }

  /** Bots connected (authenticated) and connecting (waiting to log in or logging in) now. */
  setCounts(connected: number, connecting: number): void {
    this.connected = connected;
    this.connecting = connecting;
  }

  /** The interval since the last snapshot, as plain data; starts the next interval. */
  snapshot(): IntervalSnapshot {
    const routes: Record<string, RouteInterval> = {};
    for (const [name, stat] of this.timed_) {
      if (stat.count === 0) continue;
      this.scratch.reset();
      stat.latencies.drainInto(this.scratch);
      setOwn(routes, name, { count: stat.count, errors: stat.errors, histogram: encodeIntoCompressedBase64(this.scratch) });
      stat.count = 0;
      stat.errors = 0;
    }
    const errors: Record<string, number> = {};
    for (const [code, count] of this.errors_) setOwn(errors, code, count);
    this.errors_.clear();
    const checks: Record<string, { pass: number; fail: number }> = {};
    for (const [name, stat] of this.checks_) setOwn(checks, name, { pass: stat.pass, fail: stat.fail });
    this.checks_.clear();
    const snapshot: IntervalSnapshot = {
      worker: this.worker,
      at: this.clock.now() - this.runStartMs,
      connected: this.connected,
      connecting: this.connecting,
      routes,
      notifies: this.notifies,
      pushes: this.pushes,
      iterations: this.iterations,
      errors,
      checks,
      samples: this.samples,
    };
    this.samples = [];
    this.notifies = 0;
    this.pushes = 0;
    this.iterations = 0;
    return snapshot;
  }

  private timedStat(name: string): TimedStat {
    let stat = this.timed_.get(name);
    if (stat) return stat;
    const key = capped(this.timed_, name);
    stat = this.timed_.get(key);
    if (!stat) this.timed_.set(key, (stat = new TimedStat()));
    return stat;
  }

  private sampleOnce(kind: string, line: string): void {
    if (this.samples.length >= MAX_SAMPLES_PER_INTERVAL || this.sampledKinds.has(kind)) return;
    if (this.sampledKinds.size >= MAX_SAMPLED_KINDS) return;
    this.sampledKinds.add(kind);
    this.samples.push(cut(line));
  }
}

/** `name` when it is known or there is room for it, else {@link OTHER}; over-long names are cut. */
function capped(table: Map<string, unknown>, name: string): string {
  if (table.has(name)) return name;
  const key = name.length > MAX_NAME_CHARS ? name.slice(0, MAX_NAME_CHARS) : name;
  if (table.has(key) || table.size < MAX_NAMES) return key;
  return OTHER;
}


function cut(line: string): string {
  return line.length > MAX_SAMPLE_CHARS ? `${line.slice(0, MAX_SAMPLE_CHARS - 1)}…` : line;
}

function detailOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
