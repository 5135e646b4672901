/**
 * Real time moved on by tests: `now()` is the system clock's plus what {@link ShiftedClock.advance}
 * added, and timers are Node's own. For stores in tests, which wait on real timers between retries
 * while a test makes ownership claims lapse.
 */
import { SystemClock } from '../timer/clock.js';

/** The system clock, `advance`d by tests. */
export class ShiftedClock extends SystemClock {
  private shiftMs = 0;

  override now(): number {
    return super.now() + this.shiftMs;
  }

  /**
   * Moves `now()` forward by `ms`; timers keep their real delays.
   * @throws RangeError when `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(${ms}): expected a finite ms >= 0`);
    this.shiftMs += ms;
  }
}
