/**
 * Decides, from a heartbeat counter that a process's main thread advances, whether its event loop
 * has stalled: a pure state machine for the watchdog's worker thread (watchdog-worker.ts), which
 * reads the counter and the time and passes both in.
 */

/**
 * Watches one heartbeat counter. The loop counts as stalled once the counter has not moved for
 * `stallMs` of time in which the watcher itself ran.
 */
export class StallDetector {
  private beats: number | undefined;
  private movedAt: number;
  private checkedAt: number;

  /**
   * @param stallMs how long the counter may stand still.
   * @param now the time of the first reading, in milliseconds.
   * @throws RangeError when `stallMs` is not a positive number.
   */
  constructor(
    readonly stallMs: number,
    now: number,
  ) {
    if (!(stallMs > 0)) throw new RangeError(`stallMs must be positive, got ${stallMs}`);
    this.movedAt = now;
    this.checkedAt = now;
  }

  /**
   * Takes one reading.
   * @param beats the counter's current value.
   * @param now the current time, in milliseconds.
   * @returns how long the counter has stood still, once that reaches `stallMs`; else `undefined`.
   */
  check(beats: number, now: number): number | undefined {
    // A reading that comes late means the watcher did not run either: the whole process was
    // paused (SIGSTOP, a suspended VM) or starved of CPU. That gap says nothing about the main
    // loop, so the count starts again rather than ending a process that was merely paused.
    const late = now - this.checkedAt > this.stallMs / 2;
    this.checkedAt = now;
    if (beats !== this.beats || late) {
      this.beats = beats;
      this.movedAt = now;
      return undefined;
    }
    const stalled = now - this.movedAt;
    return stalled >= this.stallMs ? stalled : undefined;
  }
}
