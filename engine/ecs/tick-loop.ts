/**
 * The fixed-rate loop that drives a world: `hz` steps a second, each given the same `dt`. When
 * the process falls behind it catches up at most `maxCatchUpSteps` steps in one wake-up, then
 * drops the rest of the lag and counts it, so a slow tick can never start a spiral of ever
 * longer catch-ups. Time comes from the injected clock; one clock timer is armed at a time.
 */
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';

/** Options for {@link TickLoop}. */
export interface TickLoopOptions {
  clock: Clock;
  logger: Logger;
  /** Steps per second (1 to 1,000). */
  hz: number;
  /** Most steps run in one wake-up to catch up with lost time (default 5). */
  maxCatchUpSteps?: number;
  /** One step of the simulation; `dtSeconds` is always `1 / hz`. */
  step(dtSeconds: number): void;
  /** Told after each step (metrics); must not throw. */
  onStep?: TickObserver;
}

/** Learns how long a step took (in milliseconds on the loop's clock) and whether it overran its interval. */
export type TickObserver = (tookMs: number, overran: boolean) => void;

/** What the loop measured, for load reports. Durations are in milliseconds. */
export interface TickStats {
  /** Steps run. */
  ticks: number;
  /** Steps that took longer than one interval. */
  overruns: number;
  /** Steps skipped because the loop was further behind than it may catch up. */
  droppedSteps: number;
  /** Simulation time given up with those steps. */
  droppedMs: number;
  /** Steps that threw (logged; the loop goes on). */
  errors: number;
  lastTickMs: number;
  maxTickMs: number;
  /** Mean step duration since start. */
  meanTickMs: number;
}

/** Runs a step function at a fixed rate on a {@link Clock}. */
export class TickLoop {
  private readonly intervalMs: number;
  private readonly maxCatchUp: number;
  private timer: ClockTimer | undefined;
  private nextDue = 0;
  private running = false;
  /** Counts starts, so that a wake-up from before a stop and start ends quietly. */
  private generation = 0;
  private totalTickMs = 0;
  private readonly counters: TickStats = {
    ticks: 0,
    overruns: 0,
    droppedSteps: 0,
    droppedMs: 0,
    errors: 0,
    lastTickMs: 0,
    maxTickMs: 0,
    meanTickMs: 0,
  };

  /** @throws RangeError for `hz` outside 1..1000 or a `maxCatchUpSteps` below 1. */
  constructor(private readonly options: TickLoopOptions) {
    if (!(options.hz >= 1 && options.hz <= 1_000)) throw new RangeError(`TickLoop: hz must be 1 to 1000, got ${options.hz}`);
    const maxCatchUp = options.maxCatchUpSteps ?? 5;
    if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) throw new RangeError(`TickLoop: maxCatchUpSteps must be an integer >= 1, got ${maxCatchUp}`);
    this.intervalMs = 1_000 / options.hz;
    this.maxCatchUp = maxCatchUp;
  }

  /** Whether the loop is running. */
  get isRunning(): boolean {
    return this.running;
  }

  /** A copy of the measurements so far. */
  stats(): TickStats {
    return { ...this.counters, meanTickMs: this.counters.ticks > 0 ? this.totalTickMs / this.counters.ticks : 0 };
  }

  /** Starts stepping; the first step runs one interval from now. Starting twice is a no-op. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    this.nextDue = this.options.clock.now() + this.intervalMs;
    this.arm();
  }

  /** Stops stepping; a step in progress finishes. Stopping twice is a no-op. */
  stop(): void {
    this.running = false;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const { clock } = this.options;
    this.timer = clock.setTimer(() => this.wake(), this.nextDue - clock.now());
  }

  private wake(): void {
    this.timer = undefined;
    if (!this.running) return;
    const { clock } = this.options;
    const behind = Math.floor((clock.now() - this.nextDue) / this.intervalMs) + 1;
    if (behind <= 0) {
      // Woken before the deadline (real timers may fire a little early): wait again.
      this.arm();
      return;
    }
    const steps = Math.min(behind, this.maxCatchUp);
    const generation = this.generation;
    for (let i = 0; i < steps && this.running && generation === this.generation; i++) this.runStep();
    // A step that stopped and restarted the loop armed its own timer already.
    if (generation !== this.generation) return;
    if (behind > steps) {
      // Give up the lag beyond the catch-up bound: the world runs slow rather than spiralling.
      this.counters.droppedSteps += behind - steps;
      this.counters.droppedMs += (behind - steps) * this.intervalMs;
    }
    this.nextDue += behind * this.intervalMs;
    if (this.running) this.arm();
  }

  private runStep(): void {
    const { clock } = this.options;
    const started = clock.now();
    try {
      this.options.step(this.intervalMs / 1_000);
    } catch (err) {
      this.counters.errors++;
      this.options.logger.error('tick step failed', { err, tick: this.counters.ticks });
    }
    const took = clock.now() - started;
    this.counters.ticks++;
    this.counters.lastTickMs = took;
    this.counters.maxTickMs = Math.max(this.counters.maxTickMs, took);
    this.totalTickMs += took;
    const overran = took > this.intervalMs;
    if (overran) this.counters.overruns++;
    this.options.onStep?.(took, overran);
  }
}
