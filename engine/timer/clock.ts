/**
 * Time as the engine sees it. Every module that needs the time or a wake-up takes a `Clock`,
 * so that tests drive time by hand with {@link ManualClock} and never sleep.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, never going backwards. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; a negative or NaN delay counts as 0. */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
  /** Cancels a timer from {@link Clock.setTimer}; cancelling twice or after it fired is a no-op. */
  clearTimer(timer: ClockTimer): void;
}

/** An opaque handle for a pending {@link Clock.setTimer} call. */
export interface ClockTimer {
  readonly __clockTimer: true;
}

// Read once: the getter is a native call on every read, and now() is on hot paths.
const TIME_ORIGIN = performance.timeOrigin;
// setTimeout fires after 1 ms (with a warning) when asked for more than this; longer waits are chained.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Clamps a requested delay: NaN and negatives become 0. */
function clampDelay(delayMs: number): number {
  return delayMs > 0 ? delayMs : 0;
}

/** What `setTimeout` returns: an object with `unref` in Node, a number in browsers. */
type TimeoutHandle = ReturnType<typeof setTimeout> | number;

/**
 * `setTimeout` that never keeps a Node process alive on its own (lifecycles decide that). In
 * browsers, whose handles are numbers without `unref`, it is plain `setTimeout`.
 */
function startTimeout(callback: () => void, delayMs: number): TimeoutHandle {
  const handle: TimeoutHandle = setTimeout(callback, delayMs);
  if (typeof handle === 'object' && typeof handle.unref === 'function') handle.unref();
  return handle;
}

// A wait longer than setTimeout allows: a chain of shorter timeouts, the current one in `handle`.
class LongTimer {
  handle: TimeoutHandle | undefined;
}

/**
 * Real time: a monotonic reading aligned to the epoch, and the runtime's own timers. Runs in Node
 * and in browsers alike.
 */
export class SystemClock implements Clock {
  now(): number {
    return TIME_ORIGIN + performance.now();
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const delay = clampDelay(delayMs);
    if (delay > MAX_TIMEOUT_MS) return this.setLongTimer(callback, this.now() + delay) as unknown as ClockTimer;
    return startTimeout(callback, delay) as unknown as ClockTimer;
  }

  clearTimer(timer: ClockTimer): void {
    const t = timer as unknown as TimeoutHandle | LongTimer;
    clearTimeout(t instanceof LongTimer ? t.handle : t);
  }

  private setLongTimer(callback: () => void, due: number): LongTimer {
    const long = new LongTimer();
    const step = (): void => {
      const left = due - this.now();
      if (left <= 0) return callback();
      long.handle = startTimeout(step, Math.min(left, MAX_TIMEOUT_MS));
    };
    step();
    return long;
  }
}

interface ManualTimer extends ClockTimer {
  at: number;
  seq: number;
  callback: (() => void) | undefined;
}

/**
 * Time that moves only when a test says so. {@link ManualClock.advance} steps through every
 * pending timer in deadline order, setting `now()` to each deadline before calling it, so a timer
 * that schedules another timer inside the advanced span fires in the same call.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: ManualTimer[] = [];

  /** @param start the initial `now()`, in epoch milliseconds (default 1,700,000,000,000). */
  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer = {
      at: this.current + clampDelay(delayMs),
      seq: this.seq++,
      callback,
    } as ManualTimer;
    this.pending.push(timer);
    return timer;
  }

  clearTimer(timer: ClockTimer): void {
    const t = timer as ManualTimer;
    t.callback = undefined;
    const i = this.pending.indexOf(t);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** Number of timers waiting to fire. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order.
   * @throws RangeError when `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(${ms}): expected a finite ms >= 0`);
    const end = this.current + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      // A callback may itself advance time (a test's "slow" work); time never goes back.
      this.current = Math.max(this.current, next.at);
      const callback = next.callback;
      next.callback = undefined;
      callback?.();
    }
    this.current = Math.max(this.current, end);
  }

  private nextDue(end: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.pending) {
      if (t.at > end) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
