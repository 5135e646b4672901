/**
 * The timers an entity owns (`entity.timers`): in-memory `after` and `every`, and `schedule`,
 * which calls one of the entity's methods by name and is saved with the entity (restored when it
 * is loaded again, here or on another server). They run on the world's TimerService, so on the
 * injected clock; every callback runs through the entity's queue, after the work queued before
 * it; all of them are cancelled when the entity leaves the world (destroyed or unloaded).
 */
import { DEFAULT_DOCUMENT_LIMITS, validateDocument } from '../persist/validate-document.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import type { TimerId, TimerService } from '../timer/timer-service.js';
import type { EntityQueue } from './entity-queue.js';

/** Default cap on the live timers of one entity. */
export const DEFAULT_MAX_TIMERS_PER_ENTITY = 1_024;

/** Names one timer of one entity, for {@link EntityTimers.cancel}. */
export type TimerHandle = number & { readonly __entityTimer: true };

/**
 * A `schedule` timer as saved in the entity's document (top-level field `timers`): when it is due
 * (epoch ms on the saving server's clock), the entity method it calls and that method's arguments.
 */
export interface StoredTimer {
  at: number;
  method: string;
  args: unknown[];
}

/** What an {@link EntityTimers} needs from its entity and world. */
export interface EntityTimersOwner {
  timers: TimerService;
  clock: Clock;
  queue: EntityQueue;
  /** The entity's logger, for callbacks that throw. */
  logger: () => Logger;
  /** The entity itself: `schedule` calls its methods. */
  target: object;
  /** The entity changed what it saves (a scheduled timer set, fired or cancelled). */
  markDirty: () => void;
  /** Most live timers (default {@link DEFAULT_MAX_TIMERS_PER_ENTITY}). */
  max: number;
}

interface Live {
  /** Set for `schedule` timers. */
  stored: StoredTimer | undefined;
  repeating: boolean;
  /** A firing of it is waiting in the queue: an `every` timer skips firings meanwhile. */
  queued: boolean;
}

/** The timers of one entity. */
export class EntityTimers {
  private readonly live = new Map<TimerId, Live>();
  private closed = false;

  /** @internal Made by the entity when it is placed in a world. */
  constructor(private readonly owner: EntityTimersOwner) {}

  /** Live timers. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Calls `fn` once, `ms` from now, through the entity's queue. Not saved.
   * @throws RangeError for a delay that is not a finite number >= 0, or past the entity's timer
   *   cap; Error once the entity left the world.
   */
  after(ms: number, fn: () => unknown): TimerHandle {
    this.check('after', fn);
    return this.start(ms, false, fn, undefined);
  }

  /**
   * Calls `fn` every `ms`, through the entity's queue, until cancelled. A firing that comes while
   * the last one is still waiting in the queue is skipped. Not saved.
   * @throws RangeError for an interval that is not a finite number > 0, or past the entity's
   *   timer cap; Error once the entity left the world.
   */
  every(ms: number, fn: () => unknown): TimerHandle {
    this.check('every', fn);
    return this.start(ms, true, fn, undefined);
  }

  /**
   * Calls the entity's method `method` with `args`, `ms` from now, through the entity's queue.
   * The timer is saved with the entity (marking it dirty) and restored when it is loaded; one
   * that fell due while the entity was not loaded fires right after the load.
   * @throws TypeError when `method` is not a method of the entity or `args` cannot be stored
   *   (they are copied now); RangeError as {@link after}; Error once the entity left the world.
   */
  schedule(ms: number, method: string, ...args: unknown[]): TimerHandle {
    if (typeof (this.owner.target as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`timers.schedule: ${String(method)} is not a method of ${this.owner.target.constructor.name}`);
    }
    try {
      validateDocument({ args }, DEFAULT_DOCUMENT_LIMITS, `timers.schedule(${method})`);
    } catch (err) {
      throw new TypeError(`timers.schedule: the arguments of ${method} cannot be saved: ${(err as Error).message}`);
    }
    this.check('schedule');
    const handle = this.start(ms, false, undefined, { at: this.owner.clock.now() + ms, method, args: structuredClone(args) });
    this.owner.markDirty();
    return handle;
  }

  /**
   * Cancels a timer whose callback has not started yet.
   * @returns whether it was live.
   */
  cancel(handle: TimerHandle): boolean {
    const live = this.live.get(handle);
    if (!live) return false;
    this.live.delete(handle);
    this.owner.timers.cancel(handle);
    if (live.stored) this.owner.markDirty();
    return true;
  }

  /** @internal The `schedule` timers to save, in no particular order. */
  stored(): StoredTimer[] {
    const out: StoredTimer[] = [];
    for (const { stored } of this.live.values()) if (stored) out.push(stored);
    return out;
  }

  /**
   * @internal Starts the saved timers of an entity just loaded; those already due fire at the
   * timer service's next wake-up. One naming a method the entity no longer has is logged and dropped.
   */
  restore(saved: readonly StoredTimer[]): void {
    for (const stored of saved) {
      if (typeof (this.owner.target as Record<string, unknown>)[stored.method] !== 'function') {
        this.owner.logger().error('saved timer dropped: the entity has no such method', { method: stored.method });
        this.owner.markDirty();
        continue;
      }
      this.start(Math.max(0, stored.at - this.owner.clock.now()), false, undefined, stored);
    }
  }

  /** @internal Cancels every timer; later ones throw. Called when the entity leaves the world. */
  close(): void {
    this.closed = true;
    for (const id of this.live.keys()) this.owner.timers.cancel(id);
    this.live.clear();
  }

  private check(what: string, fn?: unknown): void {
    if (this.closed) throw new Error(`timers.${what}: the entity has left the world`);
    if (what !== 'schedule' && typeof fn !== 'function') throw new TypeError(`timers.${what}: callback must be a function`);
    if (this.live.size >= this.owner.max) throw new RangeError(`timers.${what}: the entity has ${this.live.size} live timers, cap ${this.owner.max}`);
  }

  // `ms`: the delay of a one-shot timer, the interval of a repeating one (which the timer
  // service checks is > 0).
  private start(ms: number, repeating: boolean, fn: (() => unknown) | undefined, stored: StoredTimer | undefined): TimerHandle {
    const entry: Live = { stored, repeating, queued: false };
    const fire = (): void => this.fire(id, entry, fn);
    const id = repeating ? this.owner.timers.repeat(ms, fire) : this.owner.timers.once(ms, fire);
    this.live.set(id, entry);
    return id as TimerHandle;
  }

  // Queued behind the entity's other work; cancelled meanwhile (or the entity gone): not run.
  private fire(id: TimerId, entry: Live, fn: (() => unknown) | undefined): void {
    if (entry.queued) return;
    entry.queued = true;
    void this.owner.queue
      .after(() => {
        entry.queued = false;
        if (this.live.get(id) !== entry) return undefined;
        if (!entry.repeating) this.live.delete(id);
        if (!entry.stored) return fn!();
        this.owner.markDirty();
        const { method, args } = entry.stored;
        return (this.owner.target as Record<string, (...a: unknown[]) => unknown>)[method]!(...args);
      })
      .catch((err: unknown) => this.owner.logger().error('entity timer callback failed', { err, timerId: id, method: entry.stored?.method }));
  }
}
