/**
 * What a server reports about its load, and the module that reports it every interval:
 *   LoadSampler   event-loop delay (p99), CPU in cores, sessions and entities, since the last sample
 *   LoadReporter  a lifecycle module that samples and calls `discovery.reportLoad` on a clock timer
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Module } from '../lifecycle/lifecycle.js';
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import type { Discovery, LoadReport } from './discovery.js';

/** Options for {@link LoadSampler}. */
export interface LoadSamplerOptions {
  /** Wall time between samples, for CPU per second. */
  clock: Clock;
  /** Sessions this server holds now. */
  sessions: () => number;
  /** Live entities in this server's world now. */
  entities: () => number;
  /** How often the event loop is probed, in ms (default 10). */
  resolutionMs?: number;
  /** CPU time used by the process, in microseconds (default `process.cpuUsage`); tests pass their own. */
  cpuUsage?: () => NodeJS.CpuUsage;
}

const DEFAULT_RESOLUTION_MS = 10;

/** Measures load between one {@link LoadSampler.sample} and the next. */
export class LoadSampler {
  private readonly clock: Clock;
  private readonly resolutionMs: number;
  private readonly cpuUsage: () => NodeJS.CpuUsage;
  private histogram: IntervalHistogram | undefined;
  private lastCpuMicros: number;
  private lastAt: number;

  /** @param options where time, sessions and entities come from. */
  constructor(private readonly options: LoadSamplerOptions) {
    this.clock = options.clock;
    this.resolutionMs = options.resolutionMs ?? DEFAULT_RESOLUTION_MS;
    this.cpuUsage = options.cpuUsage ?? (() => process.cpuUsage());
    this.lastCpuMicros = this.cpuMicros();
    this.lastAt = this.clock.now();
  }

  /** Starts probing the event loop; until then {@link LoadSampler.sample} reports no delay. Idempotent. */
  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
  }

  /** Stops probing the event loop. Idempotent. */
  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  /**
   * The load since the previous sample (or since construction), and starts the next interval.
   * `eventLoopLagMs` is the p99 of how late the probe ran, beyond its own resolution; `cpu` is
   * CPU time over wall time, so 2 means two cores fully busy.
   * @throws what `sessions()` or `entities()` throw.
   */
  sample(): LoadReport {
    const now = this.clock.now();
    const cpuMicros = this.cpuMicros();
    const wallMs = now - this.lastAt;
    const cpu = wallMs > 0 ? Math.max(0, (cpuMicros - this.lastCpuMicros) / 1000 / wallMs) : 0;
    this.lastAt = now;
    this.lastCpuMicros = cpuMicros;
    let eventLoopLagMs = 0;
    const h = this.histogram;
    if (h && h.count > 0) {
      // The histogram records the whole interval between probes, which includes the resolution itself.
      eventLoopLagMs = Math.max(0, h.percentile(99) / 1e6 - this.resolutionMs);
      h.reset();
    }
    return { sessions: this.options.sessions(), entities: this.options.entities(), eventLoopLagMs, cpu };
  }

  private cpuMicros(): number {
    const usage = this.cpuUsage();
    return usage.user + usage.system;
  }
}

/** Options for {@link LoadReporter}. */
export interface LoadReporterOptions {
  /** Where reports go; reporting waits until this server is registered. */
  discovery: Pick<Discovery, 'reportLoad' | 'self'>;
  sampler: LoadSampler;
  clock: Clock;
  logger: Logger;
  /** Time between reports (default 5,000 ms). */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 5_000;

/**
 * Samples the load every `intervalMs` and publishes it with `discovery.reportLoad`. A failed
 * report is logged (a warning for the first of a run of failures, debug after) and never thrown;
 * a report still in flight when the next is due makes that one skip.
 */
export class LoadReporter implements Module {
  readonly name = 'load-reporter';
  private readonly intervalMs: number;
  private timer: ClockTimer | undefined;
  private running = false;
  private reporting = false;
  private failures = 0;

  /**
   * @param options the discovery, sampler, clock and logger.
   * @throws RangeError when `intervalMs` is not a finite number > 0.
   */
  constructor(private readonly options: LoadReporterOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    if (!Number.isFinite(this.intervalMs) || this.intervalMs <= 0) throw new RangeError(`intervalMs must be a finite number > 0, got ${this.intervalMs}`);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.options.sampler.start();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.options.sampler.stop();
  }

  /** Samples and reports once now, as each interval does; resolves when done, never rejects. */
  async reportNow(): Promise<void> {
    if (this.reporting || !this.options.discovery.self) return;
    this.reporting = true;
    try {
      await this.options.discovery.reportLoad(this.options.sampler.sample());
      if (this.failures > 0) this.options.logger.info('load reports work again', { failures: this.failures });
      this.failures = 0;
    } catch (err) {
      this.options.logger[this.failures === 0 ? 'warn' : 'debug']('load report failed', { err, failures: this.failures + 1 });
      this.failures++;
    } finally {
      this.reporting = false;
    }
  }

  private schedule(): void {
    this.timer = this.options.clock.setTimer(() => {
      if (!this.running) return;
      this.schedule();
      void this.reportNow();
    }, this.intervalMs);
  }
}
