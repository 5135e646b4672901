/**
 * The timer service: many engine timers on one clock timer. Three parts:
 *   timer-slots.ts  id -> record (callback, key, repeat state), pooled, no Map per timer
 *   timer-heap.ts   slot -> deadline, a min-heap in typed arrays, O(log n) cancel
 *   this file       the API, keys (1:N), and the single clock wake-up that fires what is due
 */
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from './clock.js';
import { TimerHeap } from './timer-heap.js';
import { TimerSlots, type TimerRecord } from './timer-slots.js';
import type { TimerCallback, TimerId, TimerKey } from './types.js';

export type { TimerCallback, TimerFiring, TimerId, TimerKey } from './types.js';

/** Options for {@link TimerService.once}. */
export interface OnceOptions {
  /** Groups the timer under a key for {@link TimerService.cancelKey}. */
  key?: TimerKey;
}

/** Options for {@link TimerService.repeat}. */
export interface RepeatOptions {
  /** Groups the timer under a key for {@link TimerService.cancelKey}. */
  key?: TimerKey;
  /** How many times to fire, a positive integer or `Infinity` (default `Infinity`). */
  times?: number;
  /** Delay before the first firing, ms >= 0 (default: the interval). */
  firstDelayMs?: number;
}

/** What a {@link TimerService} needs. */
export interface TimerServiceOptions {
  /** Source of time and of the single wake-up timer. */
  clock: Clock;
  /** Receives `timer callback failed` errors. */
  logger: Logger;
}

/**
 * Many timers on one clock: a min-heap of deadlines and exactly one clock timer, armed for the
 * earliest deadline, so 100k live timers cost one Node timer, not 100k.
 */
export class TimerService {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly heap = new TimerHeap();
  private readonly slots = new TimerSlots();
  private readonly byKey = new Map<TimerKey, Set<TimerId>>();
  private armed: ClockTimer | undefined;
  private armedDue = Infinity;
  private stopped = false;
  // True while a wake-up fires timers; wake() re-arms once at the end instead of per new timer.
  private firing = false;
  // Bound once: the clock gets the same function on every re-arm instead of a new closure.
  private readonly onWake = (): void => this.wake();

  /** @param options the clock to run on and the logger for failing callbacks. */
  constructor(options: TimerServiceOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** Number of live timers (scheduled and not yet finished or cancelled). */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Calls `callback` once, `delayMs` from now.
   * @returns the new timer's id.
   * @throws RangeError when `delayMs` is negative, NaN or not finite.
   * @throws TypeError when `callback` is not a function.
   * @throws RangeError when 2^24 timers are already live.
   * @throws Error when the service is stopped.
   */
  once(delayMs: number, callback: TimerCallback, options?: OnceOptions): TimerId {
    checkDelay('delayMs', delayMs);
    return this.schedule(delayMs, callback, 0, 1, options?.key);
  }

  /**
   * Calls `callback` every `intervalMs`, `times` times or until cancelled. Deadlines do not drift:
   * each is the previous deadline plus the interval; after a stall that already passed it, the next
   * deadline is one interval from now (missed firings are skipped, never fired in a burst).
   * @returns the new timer's id.
   * @throws RangeError when `intervalMs` is not a finite number > 0, `times` is not a positive
   *   integer or `Infinity`, or `firstDelayMs` is negative, NaN or not finite.
   * @throws TypeError when `callback` is not a function.
   * @throws RangeError when 2^24 timers are already live.
   * @throws Error when the service is stopped.
   */
  repeat(intervalMs: number, callback: TimerCallback, options?: RepeatOptions): TimerId {
    if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(`intervalMs must be a finite number > 0, got ${String(intervalMs)}`);
    }
    const times = options?.times ?? Infinity;
    if (times !== Infinity && !(Number.isInteger(times) && times > 0)) {
      throw new RangeError(`times must be a positive integer or Infinity, got ${String(times)}`);
    }
    const firstDelayMs = options?.firstDelayMs ?? intervalMs;
    checkDelay('firstDelayMs', firstDelayMs);
    return this.schedule(firstDelayMs, callback, intervalMs, times, options?.key);
  }

  /** Cancels one timer; returns whether it was live. Safe inside any callback, its own included. */
  cancel(id: TimerId): boolean {
    const record = this.slots.get(id);
    if (record === undefined) return false;
    this.heap.remove(record.slot);
    this.forget(record);
    // The armed clock timer is left alone: if it now wakes early it finds nothing due and re-arms,
    // which is cheaper than re-arming on every cancel of the earliest timer.
    if (this.heap.size === 0) this.disarm();
    return true;
  }

  /** Cancels every live timer under `key`; returns how many. */
  cancelKey(key: TimerKey): number {
    const ids = this.byKey.get(key);
    if (ids === undefined) return 0;
    let cancelled = 0;
    // cancel() deletes each id from this set as we go, which Set iteration allows.
    for (const id of ids) if (this.cancel(id)) cancelled++;
    return cancelled;
  }

  /** Whether timer `id` is live. A one-shot timer stops being live as it fires. */
  has(id: TimerId): boolean {
    return this.slots.get(id) !== undefined;
  }

  /** Cancels every timer and disarms the clock timer; later scheduling throws. Idempotent. */
  stop(): void {
    this.stopped = true;
    this.heap.clear();
    this.slots.clear();
    this.byKey.clear();
    this.disarm();
  }

  private schedule(delay: number, callback: TimerCallback, interval: number, times: number, key: TimerKey | undefined): TimerId {
    if (typeof callback !== 'function') throw new TypeError(`callback must be a function, got ${typeof callback}`);
    if (this.stopped) throw new Error('TimerService is stopped');
    const record = this.slots.acquire();
    const id = record.id;
    const due = this.clock.now() + delay;
    record.callback = callback;
    record.interval = interval;
    record.times = times;
    record.key = key;
    if (key !== undefined) {
      const ids = this.byKey.get(key);
      if (ids === undefined) this.byKey.set(key, new Set([id]));
      else ids.add(id);
    }
    this.heap.insert(record.slot, due);
    if (!this.firing && due < this.armedDue) this.arm(due);
    return id;
  }

  private wake(): void {
    this.armed = undefined;
    this.armedDue = Infinity;
    const now = this.clock.now();
    // Timers scheduled during this pass get a seq >= boundary, so a zero delay waits for the next
    // wake-up instead of looping here forever.
    const boundary = this.heap.nextSeq;
    this.firing = true;
    try {
      // An empty heap peeks as due at Infinity, which ends the loop.
      while (this.heap.peekDue() <= now && this.heap.peekSeq() < boundary) {
        const due = this.heap.peekDue();
        this.fire(this.slots.at(this.heap.pop())!, due, now);
      }
    } finally {
      // Even if the logger throws, the remaining timers must keep a wake-up.
      this.firing = false;
      if (this.heap.size > 0) this.arm(this.heap.peekDue());
    }
  }

  private fire(record: TimerRecord, due: number, now: number): void {
    // Read before forget(): a released record is reused by the next timer scheduled.
    const { id, key, callback } = record;
    const count = ++record.count;
    // Bookkeeping before the call, so the callback sees itself as live only if it will fire again.
    if (count < record.times) {
      const next = due + record.interval;
      this.heap.insert(record.slot, next > now ? next : now + record.interval);
    } else {
      this.forget(record);
    }
    try {
      const result: unknown = callback!({ id, count });
      if (isThenable(result)) result.then(undefined, (err: unknown) => this.report(err, id, key));
    } catch (err) {
      this.report(err, id, key);
    }
  }

  private report(err: unknown, timerId: TimerId, key: TimerKey | undefined): void {
    this.logger.error('timer callback failed', { err, timerId, key });
  }

  private forget(record: TimerRecord): void {
    const { id, key } = record;
    this.slots.release(record);
    if (key === undefined) return;
    const ids = this.byKey.get(key);
    if (ids === undefined) return;
    ids.delete(id);
    if (ids.size === 0) this.byKey.delete(key);
  }

  private arm(due: number): void {
    if (this.armed !== undefined) this.clock.clearTimer(this.armed);
    this.armedDue = due;
    this.armed = this.clock.setTimer(this.onWake, due - this.clock.now());
  }

  private disarm(): void {
    if (this.armed === undefined) return;
    this.clock.clearTimer(this.armed);
    this.armed = undefined;
    this.armedDue = Infinity;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

function checkDelay(name: string, ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(ms)}`);
  }
}

/**
 * Creates a {@link TimerService}.
 * @param options the clock to run on and the logger for failing callbacks.
 */
export function createTimerService(options: TimerServiceOptions): TimerService {
  return new TimerService(options);
}
