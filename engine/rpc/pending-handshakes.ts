/**
 * Accepted connections that have not proved yet that they belong to the cluster, counted per
 * remote address and in total, each with its own short deadline. They are kept apart from the
 * link cap: connections that say nothing can fill these few places, never the places of links.
 */
import type { TimerService } from '../timer/timer-service.js';
import type { TimerId } from '../timer/types.js';
import type { Link } from './link.js';

/** Caps and deadline of {@link PendingHandshakes}. */
export interface PendingHandshakeLimits {
  /** Cap on unproved connections from one address. */
  maxPerAddress: number;
  /** Cap on unproved connections in all; past it the oldest makes room. */
  maxTotal: number;
  /** Longest time from accept to a HELLO that proves the secret. */
  timeoutMs: number;
}

/** The unproved connections of one node, oldest first. */
export class PendingHandshakes {
  private readonly links = new Map<Link, { key: string; timer: TimerId }>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: PendingHandshakeLimits,
    private readonly timers: TimerService,
  ) {}

  /** Unproved connections. */
  get size(): number {
    return this.links.size;
  }

  /** Whether the connections from `key` are at their cap. */
  addressFull(key: string): boolean {
    return (this.perAddress.get(key) ?? 0) >= this.limits.maxPerAddress;
  }

  /** The oldest unproved connection when the total is at its cap, for the caller to close. */
  overflow(): Link | undefined {
    return this.links.size >= this.limits.maxTotal ? this.links.keys().next().value : undefined;
  }

  /** Counts `link` under `key` until {@link remove}; `expired` runs should its deadline pass first. */
  add(link: Link, key: string, expired: (timeoutMs: number) => void): void {
    const timer = this.timers.once(this.limits.timeoutMs, () => expired(this.limits.timeoutMs));
    this.links.set(link, { key, timer });
    this.perAddress.set(key, (this.perAddress.get(key) ?? 0) + 1);
  }

  /** Stops counting `link` (it proved itself or closed); does nothing for a link not counted. */
  remove(link: Link): void {
    const entry = this.links.get(link);
    if (!entry) return;
    this.links.delete(link);
    this.timers.cancel(entry.timer);
    const left = (this.perAddress.get(entry.key) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.key, left);
    else this.perAddress.delete(entry.key);
  }
}
