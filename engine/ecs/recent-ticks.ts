/**
 * The durations of the latest steps of one or more tick loops (a lobby's world and its spaces), for
 * a live view: the admin dashboard's tick time is what the lobby does now, not a mean since start.
 * A fixed ring of durations; a summary sorts a copy of it, at most once per request.
 */
import type { TickObserver } from './tick-loop.js';

/** The latest steps' durations, in milliseconds, and the overruns since start. */
export interface TickSummary {
  /** Steps in the window (at most its size). */
  steps: number;
  mean: number;
  max: number;
  p99: number;
  /** Steps that overran their interval since start, across the loops observed. */
  overruns: number;
}

/** The latest `size` step durations of the loops it observes. */
export class RecentTicks {
  private readonly took: Float64Array;
  private next = 0;
  private filled = 0;
  private overruns = 0;

  /** @param size the steps kept (default 512: 25 s of one loop at 20 Hz, less with spaces). */
  constructor(size = 512) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
    this.took = new Float64Array(size);
  }

  /** Hand to a loop's `onStep`. */
  readonly observe: TickObserver = (tookMs, overran) => {
    this.took[this.next] = tookMs;
    this.next = (this.next + 1) % this.took.length;
    if (this.filled < this.took.length) this.filled++;
    if (overran) this.overruns++;
  };

  /** The window's figures; undefined before the first step. */
  summary(): TickSummary | undefined {
    if (this.filled === 0) return undefined;
    const sorted = this.took.slice(0, this.filled).sort();
    let sum = 0;
    for (const t of sorted) sum += t;
    return {
      steps: this.filled,
      mean: sum / this.filled,
      max: sorted[this.filled - 1]!,
      p99: sorted[Math.min(this.filled - 1, Math.ceil(this.filled * 0.99) - 1)]!,
      overruns: this.overruns,
    };
  }
}

/** One observer that tells each of `observers` that is defined. */
export function bothObservers(first: TickObserver, second: TickObserver | undefined): TickObserver {
  return second ? (tookMs, overran) => (first(tookMs, overran), second(tookMs, overran)) : first;
}
