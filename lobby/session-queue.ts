/**
 * One session's requests, run one at a time in arrival order (ARCHITECTURE: per-session order is
 * the default). A game method that awaits keeps the next request of the same session waiting, so
 * a client never sees its second request act on state from before its first. Bounded: past the
 * cap a request is refused at once instead of piling up behind a slow one.
 */
import type { Clock } from '../engine/timer/clock.js';
import { LobbyError } from './errors.js';

/** A bounded FIFO of tasks that run one after another. */
export class SessionQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = false;

  /** @param limit most tasks waiting or running at once (at least 1). */
  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`SessionQueue: limit must be an integer >= 1, got ${limit}`);
  }

  /** Tasks waiting or running. */
  get size(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /**
   * Runs `task` after every task queued before it. An idle queue starts it at once, in this turn.
   * @returns what the task returned or threw.
   * @throws (rejects) LobbyError LOBBY_ERR_QUEUE_FULL when `limit` tasks are waiting or running.
   */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.size >= this.limit) {
      return Promise.reject(new LobbyError('LOBBY_ERR_QUEUE_FULL', `${this.size} requests of this session waiting, cap ${this.limit}`));
    }
    return this.push(task);
  }

  /**
   * Like {@link run} but never refused: for the lobby's own steps (closing, handing the avatar to
   * a new session) that must come after the requests already queued. At most one per session.
   */
  after<T>(task: () => T | Promise<T>): Promise<T> {
    return this.push(task);
  }

  /**
   * Resolves once every task queued so far has settled, or after `maxWaitMs` on `clock`.
   * @returns false when it gave up waiting (a game method that never settles).
   */
  settle(clock: Clock, maxWaitMs: number): Promise<boolean> {
    if (this.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = clock.setTimer(() => resolve(false), maxWaitMs);
      void this.after(() => {
        clock.clearTimer(timer);
        resolve(true);
      });
    });
  }

  private push<T>(task: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(async () => {
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        }
      });
      if (!this.running) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.running = true;
    // Queues hold at most `limit` (64 by default) tasks, so shift() costs nothing worth a ring.
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) await next();
    this.running = false;
  }
}
