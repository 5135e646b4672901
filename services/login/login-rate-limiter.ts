/**
 * Slows password guessing without letting anyone lock an account by naming it. Three records,
 * each kept for at most `maxTracked` keys (the least recently used is forgotten first, which only
 * ever errs towards letting a client in):
 *
 * - a token bucket per client address, for every login and registration;
 * - a token bucket per (address, username), for logins;
 * - a failure score per username, fed by failed logins from every address and draining evenly.
 *
 * No address can refuse another: a username whose score passes `slowdownAfterFailures` is never
 * locked. Instead each address must wait between two of its own attempts on it, a wait that
 * doubles with every failure past the allowance, up to `slowdownMaxSec`. An address that has not
 * tried the username lately (its owner at home) is let in at once, and one that has logged in on
 * it (its owner, back a minute later) is never slowed.
 *
 * "Address" in both buckets means the key engine/net/address-key.ts gives: an IPv4 address, or the
 * first `ipv6PrefixBits` bits of an IPv6 address, since one host usually holds a whole /64.
 *
 * Addresses in `exempt` (trusted hosts: load-test machines, a loopback-only development server)
 * are never limited and are not tracked; their failed logins do not feed the slowdown either, so
 * that a load test's wrong passwords never slow real players down.
 */
import { addressKey, checkPrefixBits } from '../../engine/net/address-key.js';
import { createAddressRanges, type AddressRanges } from '../../engine/net/address-ranges.js';
import type { Clock } from '../../engine/timer/clock.js';

/** Options for {@link LoginRateLimiter}; defaults match engine/config/defaults.ts. */
export interface LoginRateLimiterOptions {
  clock: Clock;
  /** Attempts per client address per minute, also the burst size (default 30). */
  perIpPerMinute?: number;
  /** Login attempts per (address, username) per minute, also the burst size (default 10). */
  perIpPerUserPerMinute?: number;
  /** Failed logins per username per minute, from all addresses, before the slowdown starts (default 10). */
  slowdownAfterFailures?: number;
  /** Longest wait, in seconds, between two attempts from one address on a username under attack (default 60). */
  slowdownMaxSec?: number;
  /** Keys kept per record (default 100,000). */
  maxTracked?: number;
  /** Leading bits of an IPv6 address counted as one address, 0 to 128 (default 64; 128: each address alone). */
  ipv6PrefixBits?: number;
  /** Addresses and CIDR ranges (IPv4, IPv6) that no limit applies to (default none). */
  exempt?: readonly string[];
}

/** What one attempt names: always the client address, and the username for logins. */
export interface RateKey {
  /** The client's IP address as the request gives it; the limiter counts it under its key. */
  ip: string;
  username?: string;
}

/** Which limit refused an attempt: the address's, the (address, username) pair's, or the username's slowdown. */
export type RateLimitedBy = 'ip' | 'ip-user' | 'slowdown';

/** {@link LoginRateLimiter.take}'s answer. */
export type RateDecision = { allowed: true } | { allowed: false; by: RateLimitedBy; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

interface PairState extends Bucket {
  /** When this address last tried this username; the slowdown counts from it. */
  last: number;
  /** This address logged in on this username: the username's slowdown no longer applies to it. */
  proven: boolean;
}

interface Score {
  failures: number;
  at: number;
}

const MINUTE_MS = 60_000;
// The first wait past the allowance; each further failure doubles it.
const SLOWDOWN_STEP_MS = 1_000;

/** Per-address and per-(address, username) buckets plus a per-username slowdown, bounded. */
export class LoginRateLimiter {
  private readonly byIp = new Map<string, Bucket>();
  private readonly byPair = new Map<string, PairState>();
  private readonly byUser = new Map<string, Score>();
  private readonly perIp: number;
  private readonly perPair: number;
  private readonly allowance: number;
  private readonly maxWaitMs: number;
  // A score is held at most this far past the allowance, so that it drains within minutes once an attack stops.
  private readonly maxScore: number;
  private readonly maxTracked: number;
  private readonly ipv6PrefixBits: number;
  private readonly exempt: AddressRanges;

  /**
   * @throws RangeError when a rate, the allowance, the longest wait or `maxTracked` is not a
   *   positive integer, `ipv6PrefixBits` is not an integer from 0 to 128, or an `exempt` entry is
   *   not an address or a CIDR range.
   */
  constructor(private readonly options: LoginRateLimiterOptions) {
    this.perIp = options.perIpPerMinute ?? 30;
    this.perPair = options.perIpPerUserPerMinute ?? 10;
    this.allowance = options.slowdownAfterFailures ?? 10;
    this.maxWaitMs = (options.slowdownMaxSec ?? 60) * 1000;
    this.maxTracked = options.maxTracked ?? 100_000;
    this.ipv6PrefixBits = options.ipv6PrefixBits ?? 64;
    checkPrefixBits(this.ipv6PrefixBits);
    this.exempt = createAddressRanges(options.exempt ?? []);
    for (const v of [this.perIp, this.perPair, this.allowance, this.maxWaitMs, this.maxTracked]) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`LoginRateLimiter: ${v} is not a positive integer`);
    }
    this.maxScore = this.allowance + Math.ceil(Math.log2(Math.max(1, this.maxWaitMs / SLOWDOWN_STEP_MS))) + 1;
  }

  /** Keys tracked now, per record; for metrics and tests. */
  get tracked(): { ip: number; ipUser: number; username: number } {
    return { ip: this.byIp.size, ipUser: this.byPair.size, username: this.byUser.size };
  }

  /**
   * Takes one attempt from each bucket `key` names if every one of them has it and the username's
   * slowdown lets this address in now; otherwise takes nothing. An exempt address is always let in.
   */
  take(key: RateKey): RateDecision {
    if (this.exempt.has(key.ip)) return { allowed: true };
    const now = this.options.clock.now();
    const address = addressKey(key.ip, { ipv6PrefixBits: this.ipv6PrefixBits });
    const ip = touch(this.byIp, address, this.maxTracked, () => ({ tokens: this.perIp, at: now }));
    refill(ip, this.perIp, now);
    if (ip.tokens < 1) return { allowed: false, by: 'ip', retryAfterMs: waitFor(ip, this.perIp) };
    if (key.username !== undefined) {
      const pair = touch(this.byPair, pairId(address, key.username), this.maxTracked, () => ({ tokens: this.perPair, at: now, last: -Infinity, proven: false }));
      refill(pair, this.perPair, now);
      if (pair.tokens < 1) return { allowed: false, by: 'ip-user', retryAfterMs: waitFor(pair, this.perPair) };
      const wait = pair.proven ? 0 : pair.last + this.slowdownMs(key.username, now) - now;
      if (wait > 0) return { allowed: false, by: 'slowdown', retryAfterMs: Math.ceil(wait) };
      pair.tokens -= 1;
      pair.last = now;
    }
    ip.tokens -= 1;
    return { allowed: true };
  }

  /**
   * Counts a failed login on `username` from `ip` towards the username's slowdown, whatever
   * address it came from, except from an exempt one.
   */
  failed(username: string, ip: string): void {
    if (this.exempt.has(ip)) return;
    const now = this.options.clock.now();
    const score = touch(this.byUser, username, this.maxTracked, () => ({ failures: 0, at: now }));
    drain(score, this.allowance, now);
    score.failures = Math.min(this.maxScore, score.failures + 1);
  }

  /**
   * Records a successful login on `username` from `ip`: that address knows the password, so the
   * username's slowdown stops applying to it (its buckets still do), and an attack on the username
   * from elsewhere cannot keep its owner out for as long as it lasts. Forgotten with the
   * (address, username) record, the least recently used first.
   */
  succeeded(username: string, ip: string): void {
    if (this.exempt.has(ip)) return;
    const address = addressKey(ip, { ipv6PrefixBits: this.ipv6PrefixBits });
    const now = this.options.clock.now();
    touch(this.byPair, pairId(address, username), this.maxTracked, () => ({ tokens: this.perPair, at: now, last: -Infinity, proven: false })).proven = true;
  }

  // The wait between two attempts from one address on `username` now: 0 within the allowance.
  private slowdownMs(username: string, now: number): number {
    const score = this.byUser.get(username);
    if (!score) return 0;
    drain(score, this.allowance, now);
    const over = Math.ceil(score.failures - this.allowance);
    return over < 1 ? 0 : Math.min(this.maxWaitMs, SLOWDOWN_STEP_MS * 2 ** (over - 1));
  }
}

// The entry for `id`, created if missing, moved to the most recently used end of the map.
function touch<V>(map: Map<string, V>, id: string, maxTracked: number, create: () => V): V {
  let v = map.get(id);
  if (v === undefined) {
    v = create();
    if (map.size >= maxTracked) map.delete(map.keys().next().value!);
  } else {
    map.delete(id);
  }
  map.set(id, v);
  return v;
}

// A space cannot occur in a normalized username, so no two pairs share an id.
function pairId(ip: string, username: string): string {
  return `${ip} ${username}`;
}

function refill(b: Bucket, perMinute: number, now: number): void {
  b.tokens = Math.min(perMinute, b.tokens + (Math.max(0, now - b.at) * perMinute) / MINUTE_MS);
  b.at = now;
}

function drain(s: Score, perMinute: number, now: number): void {
  s.failures = Math.max(0, s.failures - (Math.max(0, now - s.at) * perMinute) / MINUTE_MS);
  s.at = now;
}

// Milliseconds until the bucket holds one whole token again.
function waitFor(b: Bucket, perMinute: number): number {
  return Math.ceil(((1 - b.tokens) * MINUTE_MS) / perMinute);
}
