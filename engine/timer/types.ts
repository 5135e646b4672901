/** The public types of the timer service, shared by its files. */

/** A group name for timers; `TimerService.cancelKey` cancels every timer under it. */
export type TimerKey = string | number;

/** Identifies one timer: a positive integer, never reused within a service. */
export type TimerId = number;

/** Passed to a timer callback on each firing. */
export interface TimerFiring {
  /** The timer that fired. */
  readonly id: TimerId;
  /** Which firing this is, from 1; always 1 for a one-shot timer. */
  readonly count: number;
}

/**
 * A timer callback. It may be async: a returned promise that rejects is logged like a throw.
 * It may cancel or schedule timers, its own included.
 */
export type TimerCallback = (firing: TimerFiring) => void | PromiseLike<unknown>;
