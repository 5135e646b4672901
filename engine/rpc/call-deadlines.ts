/**
 * Deadlines of pending calls, cheaper than a timer each. Calls with the same timeout expire in
 * the order they were made, so each distinct timeout gets a lane: a queue in call order with one
 * timer, armed for its oldest live call. A call settled before its deadline is only marked; lanes
 * drop marked calls as their timers pass them, and compact when marked ones pile up, so memory
 * follows the number of live calls.
 */
import type { Clock } from '../timer/clock.js';
import type { TimerService } from '../timer/timer-service.js';
import type { TimerId } from '../timer/types.js';

/** A call with a deadline. */
export interface Deadlined {
  /** Clock time at which it expires; set by {@link CallDeadlines.track}. */
  deadline: number;
  /** Set once settled (replied, failed or expired); a settled call never expires. */
  settled: boolean;
  /** @internal The lane it waits in. */
  lane: Lane | undefined;
}

/** @internal Calls of one timeout, in call order. */
export interface Lane {
  readonly timeoutMs: number;
  calls: Deadlined[];
  /** Index of the oldest call not yet passed. */
  head: number;
  /** Calls in the lane not yet settled. */
  live: number;
  timer: TimerId | undefined;
}

// Compact a lane once this many entries are settled and they outnumber the live ones three to one.
const COMPACT_MIN = 1024;

/** Expires calls at their deadlines. */
export class CallDeadlines<C extends Deadlined> {
  private readonly lanes = new Map<number, Lane>();

  /**
   * @param onExpire called for each call whose deadline passes unsettled (it is marked settled
   *   first).
   */
  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerService,
    private readonly onExpire: (call: C) => void,
  ) {}

  /** Starts the clock on `call`: it expires `timeoutMs` from now unless settled before. */
  track(call: C, timeoutMs: number): void {
    let lane = this.lanes.get(timeoutMs);
    if (!lane) {
      lane = { timeoutMs, calls: [], head: 0, live: 0, timer: undefined };
      this.lanes.set(timeoutMs, lane);
    }
    call.deadline = this.clock.now() + timeoutMs;
    call.settled = false;
    call.lane = lane;
    lane.calls.push(call);
    lane.live++;
    if (lane.timer === undefined) this.arm(lane, timeoutMs);
  }

  /** Marks `call` settled so that it never expires. */
  settle(call: C): void {
    if (call.settled) return;
    call.settled = true;
    const lane = call.lane;
    if (!lane) return;
    call.lane = undefined;
    lane.live--;
    const waiting = lane.calls.length - lane.head;
    if (waiting >= COMPACT_MIN && lane.live * 4 < waiting) {
      lane.calls = lane.calls.slice(lane.head).filter((c) => !c.settled);
      lane.head = 0;
    }
  }

  /** Forgets every lane and its timer; calls still tracked never expire. */
  clear(): void {
    for (const lane of this.lanes.values()) if (lane.timer !== undefined) this.timers.cancel(lane.timer);
    this.lanes.clear();
  }

  private arm(lane: Lane, delayMs: number): void {
    lane.timer = this.timers.once(Math.max(0, delayMs), () => this.fire(lane));
  }

  private fire(lane: Lane): void {
    lane.timer = undefined;
    const now = this.clock.now();
    const expired: C[] = [];
    const calls = lane.calls;
    let head = lane.head;
    for (; head < calls.length; head++) {
      const call = calls[head]!;
      if (call.settled) continue;
      if (call.deadline > now) break;
      call.settled = true;
      call.lane = undefined;
      lane.live--;
      expired.push(call as C);
    }
    if (head === calls.length) {
      this.lanes.delete(lane.timeoutMs);
    } else {
      lane.calls = head > calls.length / 2 ? calls.slice(head) : calls;
      lane.head = lane.calls === calls ? head : 0;
      this.arm(lane, calls[head]!.deadline - now);
    }
    for (const call of expired) this.onExpire(call);
  }
}
