/**
 * The pushes a simulated client received and no test has taken yet, and the tests waiting for
 * one. A push that arrives before a test waits for it is kept (up to a bound, oldest dropped
 * first); a wait that outlives its deadline fails with TESTKIT_ERR_PUSH_TIMEOUT.
 */
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import { TestKitError } from './errors.js';

/** One push as the client received it. */
export interface Push {
  route: string;
  body: unknown;
}

interface Waiter {
  route: string;
  resolve(body: unknown): void;
  reject(err: Error): void;
  timer: ClockTimer;
}

/** Pushes kept for a client, and the waits on them. */
export class PushBuffer {
  private readonly held: Push[] = [];
  private readonly waiters = new Set<Waiter>();
  private closedBecause: string | undefined;
  private droppedCount = 0;

  /**
   * @param clock runs the deadlines of waits.
   * @param maxKept pushes kept at most; the oldest go first.
   */
  constructor(
    private readonly clock: Clock,
    private readonly maxKept: number,
  ) {}

  /** Pushes dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Pushes kept and not taken yet, oldest first (a copy). */
  kept(route?: string): Push[] {
    return this.held.filter((push) => route === undefined || push.route === route);
  }

  /** A push arrived: the oldest wait on its route takes it, else it is kept. */
  add(route: string, body: unknown): void {
    for (const waiter of this.waiters) {
      if (waiter.route !== route) continue;
      this.settle(waiter);
      waiter.resolve(body);
      return;
    }
    if (this.held.length >= this.maxKept) {
      this.held.shift();
      this.droppedCount++;
    }
    this.held.push({ route, body });
  }

  /**
   * The oldest kept push on `route`, or the next one to arrive within `timeoutMs`.
   * @throws TestKitError TESTKIT_ERR_PUSH_TIMEOUT when none comes in time; TESTKIT_ERR_CLIENT_CLOSED
   *   when the client is closed and none is kept.
   */
  next(route: string, timeoutMs: number): Promise<unknown> {
    const i = this.held.findIndex((push) => push.route === route);
    if (i >= 0) return Promise.resolve(this.held.splice(i, 1)[0]!.body);
    if (this.closedBecause !== undefined) return Promise.reject(new TestKitError('TESTKIT_ERR_CLIENT_CLOSED', `waiting for a push on ${route}: ${this.closedBecause}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        route,
        resolve,
        reject,
        timer: this.clock.setTimer(() => {
          this.waiters.delete(waiter);
          const other = this.held.map((push) => push.route);
          reject(new TestKitError('TESTKIT_ERR_PUSH_TIMEOUT', `${route} within ${timeoutMs} ms (kept pushes on other routes: ${other.length > 0 ? other.join(', ') : 'none'})`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** The client closed: every wait fails now; kept pushes stay readable. */
  close(reason: string): void {
    if (this.closedBecause !== undefined) return;
    this.closedBecause = reason;
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(new TestKitError('TESTKIT_ERR_CLIENT_CLOSED', `waiting for a push on ${waiter.route}: ${reason}`));
    }
  }

  private settle(waiter: Waiter): void {
    this.waiters.delete(waiter);
    this.clock.clearTimer(waiter.timer);
  }
}
