/**
 * One entity's work, run one at a time in arrival order: its owner's client requests, calls from
 * other servers to its components, its timer callbacks and a player entity's hooks (like a
 * non-reentrant actor's mailbox).
 * A method that awaits keeps the next task of the same entity waiting, so game code never sees
 * two of them interleave. Bounded: past the cap, work from outside is refused at once (each
 * caller answers with its own coded error) instead of piling up behind a slow task.
 */
import type { Clock } from '../timer/clock.js';

/**
 * The async context a task that waits in a queue keeps: read when it is queued, entered when it
 * runs. The lobby hands its trace context (engine/rpc/trace-context.ts), which has this shape.
 */
export interface TaskContext {
  /** The context of the work in progress, if any. */
  current(): string | undefined;
  /** Runs `fn` in `context`, as `current` read it. */
  run<T>(context: string, fn: () => T): T;
}

/** Default cap on tasks waiting or running in one entity's queue. */
export const DEFAULT_ENTITY_QUEUE_LIMIT = 64;

/** A bounded FIFO of tasks that run one after another. */
export class EntityQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private running = false;

  /**
   * @param limit most tasks waiting or running at once that {@link offer} accepts (at least 1).
   * @throws RangeError for a limit that is not an integer >= 1.
   */
  /**
   * @param limit cap on the tasks waiting or running.
   * @param context the async context a task that waits keeps (the lobby's trace context); without
   *   it, a task that waits runs in the context of the task that started the pump.
   */
  constructor(
    readonly limit: number = DEFAULT_ENTITY_QUEUE_LIMIT,
    private readonly context?: TaskContext,
  ) {
    checkLimit(limit);
  }

  /** Tasks waiting or running. */
  get size(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /**
   * Runs `task` after every task queued before it. An idle queue starts it at once, in this turn.
   * @param limit the cap for this caller (default: the queue's own); a client's requests, say,
   *   are held to the lobby's per-session cap.
   * @returns what the task returned or threw, or `undefined` when `limit` tasks are waiting or
   *   running already (nothing was queued: the caller answers with its own error).
   * @throws RangeError for a limit that is not an integer >= 1.
   */
  offer<T>(task: () => T | Promise<T>, limit = this.limit): Promise<T> | undefined {
    if (limit !== this.limit) checkLimit(limit);
    return this.size >= limit ? undefined : this.push(task);
  }

  /**
   * Like {@link offer} but never refused: for work of the server's own (closing a session, a
   * timer of the entity) that must come after what is queued already. Its callers bound it
   * themselves (one per session step, one per live timer).
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
      const job = async (): Promise<void> => {
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        }
      };
      // An idle queue runs it at once, in its caller's async context already. A task that waits
      // runs later, from the pump: it is entered into the context its caller had (the trace and
      // log context of the request it belongs to), captured now. A context held by the logger's
      // own async storage, not an async resource per task: binding each task
      // (AsyncLocalStorage.bind) cost the gate echo twice its server CPU per message.
      const captured = this.running ? this.context?.current() : undefined;
      this.waiting.push(captured === undefined ? job : () => this.context!.run(captured, job));
      if (!this.running) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.running = true;
    // Queues hold at most their limit (64 by default) plus a few of the server's own steps, so
    // shift() costs nothing worth a ring.
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) await next();
    this.running = false;
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`EntityQueue: limit must be an integer >= 1, got ${limit}`);
}
