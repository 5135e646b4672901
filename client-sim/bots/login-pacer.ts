/**
 * The pace of a bot swarm's logins: a token bucket, so that a thousand bots starting together
 * reach the login service at a bounded rate, as a crowd of players would, and not all at once.
 * Each worker of a run holds one, with its share of the run's rate. It also caps the logins in
 * flight: when the server slows down, bots queue here, as players wait at a login screen, instead
 * of piling more handshakes onto it until they all time out. Waiters are served first come, first
 * served, from one timer.
 */
import type { Clock, ClockTimer } from '../../engine/timer/clock.js';

/** Settings of a {@link LoginPacer}. */
export interface LoginPacerOptions {
  /** Logins let through per second, on average; finite and above 0. */
  ratePerSecond: number;
  clock: Clock;
  /** Logins let through at once after a quiet spell (default 1: an even pace). */
  burst?: number;
  /** Waiters at most (default 100,000); a swarm has each bot wait at most once at a time. */
  maxWaiting?: number;
  /** Logins let through and not yet {@link LoginPacer.release}d, at most (default: no cap). */
  maxInFlight?: number;
}

/** A token bucket that logins wait on; {@link close} it when the run stops. */
export class LoginPacer {
  private readonly clock: Clock;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxWaiting: number;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private tokens: number;
  private refilledAt: number;
  // A FIFO: `head` is the first waiter still waiting; served ones are cut off in batches.
  private queue: Array<(go: boolean) => void> = [];
  private head = 0;
  private timer: ClockTimer | undefined;
  private closed = false;

  /** @throws RangeError for a rate that is not finite and above 0, a burst below 1, or a cap in flight below 1. */
  constructor(options: LoginPacerOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(`ratePerSecond must be a finite number above 0, not ${options.ratePerSecond}`);
    }
    const burst = options.burst ?? 1;
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, not ${burst}`);
    const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    if (!(maxInFlight >= 1)) throw new RangeError(`maxInFlight must be at least 1, not ${maxInFlight}`);
    this.maxInFlight = maxInFlight;
    this.clock = options.clock;
    this.perMs = options.ratePerSecond / 1000;
    this.burst = burst;
    this.maxWaiting = options.maxWaiting ?? 100_000;
    this.tokens = burst;
    this.refilledAt = options.clock.now();
  }

  /** Logins waiting for their turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Logins let through and not yet released. */
  get running(): number {
    return this.inFlight;
  }

  /**
   * Waits for a login's turn: a token, and room in flight. A login that went ({@link take}
   * resolved true) must be {@link release}d when it is over, whatever its outcome.
   * @returns true when it may go; false when the pacer was closed first.
   * @throws RangeError when `maxWaiting` logins already wait.
   */
  take(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.refill();
    if (this.waiting === 0 && this.tokens >= 1 && this.inFlight < this.maxInFlight) {
      this.tokens -= 1;
      this.inFlight++;
      return Promise.resolve(true);
    }
    if (this.waiting >= this.maxWaiting) throw new RangeError(`more than ${this.maxWaiting} logins wait for their turn`);
    return new Promise<boolean>((resolve) => {
      this.queue.push(resolve);
      this.schedule();
    });
  }

  /** A login that {@link take} let through is over: its room in flight goes to the next waiter. */
  release(): void {
    if (this.inFlight > 0) this.inFlight--;
    if (!this.closed) this.serve();
  }

  /** Lets every waiter go with false, and every later {@link take}; clears the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const waiters = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    for (const resolve of waiters) resolve(false);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perMs);
    this.refilledAt = now;
  }

  private schedule(): void {
    // With no room in flight, the next release serves the queue, not a timer.
    if (this.timer || this.waiting === 0 || this.inFlight >= this.maxInFlight) return;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.serve();
    }, Math.ceil((1 - this.tokens) / this.perMs));
  }

  private serve(): void {
    this.refill();
    while (this.waiting > 0 && this.tokens >= 1 && this.inFlight < this.maxInFlight) {
      this.tokens -= 1;
      this.inFlight++;
      const resolve = this.queue[this.head]!;
      this.head++;
      resolve(true);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.schedule();
  }
}
