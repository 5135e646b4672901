/**
 * Slows password guessing: a token bucket per client address and one per username, each refilling
 * evenly over a minute. An attempt needs a token from every bucket it names and takes one from
 * each only when all have one, so a blocked address does not also drain the victim's username.
 * Each map holds at most `maxTracked` buckets; the least recently used is forgotten first (it
 * comes back full, which only ever errs towards letting a client in).
 */
import type { Clock } from '../../engine/timer/clock.js';

/** Options for {@link LoginRateLimiter}; defaults match engine/config/defaults.ts. */
export interface LoginRateLimiterOptions {
  clock: Clock;
  /** Attempts per client address per minute, also the burst size (default 30). */
  perIpPerMinute?: number;
  /** Attempts per username per minute, also the burst size (default 10). */
  perUserPerMinute?: number;
  /** Buckets kept per map (default 100,000). */
  maxTracked?: number;
}

/** What one attempt names: always the client address, and the username for logins. */
export interface RateKey {
  ip: string;
  username?: string;
}

/** {@link LoginRateLimiter.take}'s answer. */
export type RateDecision = { allowed: true } | { allowed: false; by: 'ip' | 'username'; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

const MINUTE_MS = 60_000;

/** Token buckets per address and per username, bounded. */
export class LoginRateLimiter {
  private readonly byIp = new Map<string, Bucket>();
  private readonly byUser = new Map<string, Bucket>();
  private readonly perIp: number;
  private readonly perUser: number;
  private readonly maxTracked: number;

  /** @throws RangeError when a rate or `maxTracked` is not a positive integer. */
  constructor(private readonly options: LoginRateLimiterOptions) {
    this.perIp = options.perIpPerMinute ?? 30;
    this.perUser = options.perUserPerMinute ?? 10;
    this.maxTracked = options.maxTracked ?? 100_000;
    for (const v of [this.perIp, this.perUser, this.maxTracked]) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LoginRateLimiter: ${v} is not a positive integer`);
    }
  }

  /** Buckets tracked now, per map; for metrics and tests. */
  get tracked(): { ip: number; username: number } {
    return { ip: this.byIp.size, username: this.byUser.size };
  }

  /** Takes one attempt from each bucket `key` names if every one of them has it. */
  take(key: RateKey): RateDecision {
    const now = this.options.clock.now();
    const ip = this.bucket(this.byIp, key.ip, this.perIp, now);
    if (ip.tokens < 1) return { allowed: false, by: 'ip', retryAfterMs: waitFor(ip, this.perIp) };
    if (key.username !== undefined) {
      const user = this.bucket(this.byUser, key.username, this.perUser, now);
      if (user.tokens < 1) return { allowed: false, by: 'username', retryAfterMs: waitFor(user, this.perUser) };
      user.tokens -= 1;
    }
    ip.tokens -= 1;
    return { allowed: true };
  }

  // The bucket for `id`, refilled to `now` and moved to the most recently used end of the map.
  private bucket(map: Map<string, Bucket>, id: string, perMinute: number, now: number): Bucket {
    let b = map.get(id);
    if (b) {
      map.delete(id);
      b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) * perMinute) / MINUTE_MS);
      b.at = now;
    } else {
      b = { tokens: perMinute, at: now };
      if (map.size >= this.maxTracked) map.delete(map.keys().next().value!);
    }
    map.set(id, b);
    return b;
  }
}

// Milliseconds until the bucket holds one whole token again.
function waitFor(b: Bucket, perMinute: number): number {
  return Math.ceil(((1 - b.tokens) * MINUTE_MS) / perMinute);
}
