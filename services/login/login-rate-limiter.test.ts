import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

function takeN(limiter: LoginRateLimiter, n: number, key: { ip: string; username?: string }): boolean[] {
  return Array.from({ length: n }, () => limiter.take(key).allowed);
}

// Failed logins on `username` from `n` different addresses, each let in first.
function failFrom(limiter: LoginRateLimiter, n: number, username: string): void {
  for (let i = 0; i < n; i++) {
    expect(limiter.take({ ip: `10.1.${i >> 8}.${i & 255}`, username }).allowed).toBe(true);
    limiter.failed(username, `10.1.${i >> 8}.${i & 255}`);
  }
}

describe('LoginRateLimiter', () => {
  it('allows a burst of perIpPerUserPerMinute attempts from one address on a username, then refuses that pair only', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 100, perIpPerUserPerMinute: 3 });
    expect(takeN(limiter, 3, { ip: '10.0.0.1', username: 'alice' })).toEqual([true, true, true]);
    expect(limiter.take({ ip: '10.0.0.1', username: 'alice' })).toEqual({ allowed: false, by: 'ip-user', retryAfterMs: 20_000 });
    expect(limiter.take({ ip: '10.0.0.2', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '10.0.0.1', username: 'bob' }).allowed).toBe(true);
  });

  it('refills evenly: one attempt back after a minute divided by the rate', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 100, perIpPerUserPerMinute: 3 });
    takeN(limiter, 3, { ip: 'a', username: 'alice' });
    clock.advance(15_000);
    expect(limiter.take({ ip: 'a', username: 'alice' })).toEqual({ allowed: false, by: 'ip-user', retryAfterMs: 5_000 });
    clock.advance(5_000);
    expect(takeN(limiter, 2, { ip: 'a', username: 'alice' })).toEqual([true, false]);
    clock.advance(3_600_000);
    expect(takeN(limiter, 4, { ip: 'a', username: 'alice' })).toEqual([true, true, true, false]);
  });

  it('limits each address across usernames, and registrations that name no username', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 4, perIpPerUserPerMinute: 100 });
    expect([...takeN(limiter, 2, { ip: 'a', username: 'u1' }), ...takeN(limiter, 2, { ip: 'a' })]).toEqual([true, true, true, true]);
    expect(limiter.take({ ip: 'a', username: 'u3' })).toEqual({ allowed: false, by: 'ip', retryAfterMs: 15_000 });
    expect(limiter.take({ ip: 'b', username: 'u3' }).allowed).toBe(true);
  });

  it('never refuses a fresh address a username, however many addresses failed on it', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 10, slowdownAfterFailures: 10 });
    failFrom(limiter, 1_000, 'alice');
    expect(limiter.take({ ip: '192.168.1.20', username: 'alice' })).toEqual({ allowed: true });
  });

  it('past slowdownAfterFailures makes each address wait between its attempts on the username, doubling per failure up to slowdownMaxSec', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 100, slowdownAfterFailures: 10, slowdownMaxSec: 5 });
    failFrom(limiter, 10, 'alice');
    expect(limiter.take({ ip: 'a', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: 'a', username: 'alice' }).allowed).toBe(true); // within the allowance: no wait
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      limiter.failed('alice', 'a');
      const refused = limiter.take({ ip: 'a', username: 'alice' });
      waits.push(refused.allowed ? 0 : refused.retryAfterMs);
      expect(refused).toMatchObject({ allowed: false, by: 'slowdown' });
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    // Another username, and the same username from another address, are not slowed.
    expect(limiter.take({ ip: 'a', username: 'bob' }).allowed).toBe(true);
    expect(limiter.take({ ip: 'b', username: 'alice' }).allowed).toBe(true);
    clock.advance(5_000);
    expect(limiter.take({ ip: 'a', username: 'alice' }).allowed).toBe(true);
  });

  it('never slows an address that logged in on the username, only holds it to its buckets', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 3, slowdownAfterFailures: 10, slowdownMaxSec: 60 });
    expect(limiter.take({ ip: 'owner', username: 'alice' }).allowed).toBe(true);
    limiter.succeeded('alice', 'owner');
    failFrom(limiter, 100, 'alice');
    clock.advance(1_000);
    expect(limiter.take({ ip: 'owner', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: 'owner', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: 'owner', username: 'alice' })).toMatchObject({ allowed: false, by: 'ip-user' });
    // Another address that merely tried is still slowed.
    expect(limiter.take({ ip: '10.1.0.0', username: 'alice' })).toMatchObject({ allowed: false, by: 'slowdown' });
  });

  it('lets the failure score drain at slowdownAfterFailures a minute, within a minute of the attack stopping', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 100, slowdownAfterFailures: 10, slowdownMaxSec: 60 });
    failFrom(limiter, 10_000, 'alice');
    limiter.take({ ip: 'a', username: 'alice' });
    expect(limiter.take({ ip: 'a', username: 'alice' })).toEqual({ allowed: false, by: 'slowdown', retryAfterMs: 60_000 });
    clock.advance(60_000);
    expect(takeN(limiter, 2, { ip: 'a', username: 'alice' })).toEqual([true, true]);
  });

  it('tracks at most maxTracked keys per record, forgetting the least recently used first', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 1, perIpPerUserPerMinute: 1, maxTracked: 2 });
    limiter.take({ ip: 'a' });
    limiter.take({ ip: 'b' });
    expect(limiter.take({ ip: 'a' }).allowed).toBe(false); // a is now the most recently used
    limiter.take({ ip: 'c' }); // evicts b
    expect(limiter.tracked).toEqual({ ip: 2, ipUser: 0, username: 0 });
    expect(limiter.take({ ip: 'a' }).allowed).toBe(false);
    expect(limiter.take({ ip: 'b' }).allowed).toBe(true); // forgotten, so back to a full bucket
    for (const name of ['u1', 'u2', 'u3']) {
      limiter.take({ ip: `ip-${name}`, username: name });
      limiter.failed(name, `ip-${name}`);
    }
    expect(limiter.tracked).toEqual({ ip: 2, ipUser: 2, username: 2 });
  });

  it('counts addresses of one IPv6 /64 as one address in the address bucket and the (address, username) bucket', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 5, perIpPerUserPerMinute: 2 });
    expect(takeN(limiter, 1, { ip: '2001:db8:1:2::1', username: 'alice' })).toEqual([true]);
    expect(limiter.take({ ip: '2001:db8:1:2:ffff::2', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '2001:DB8:1:2::3', username: 'alice' })).toMatchObject({ allowed: false, by: 'ip-user' });
    expect(limiter.take({ ip: '2001:db8:1:2::4', username: 'bob' }).allowed).toBe(true);
    expect(limiter.take({ ip: '2001:db8:1:2::5' }).allowed).toBe(true);
    expect(limiter.take({ ip: '2001:db8:1:2::6' }).allowed).toBe(true);
    expect(limiter.take({ ip: '2001:db8:1:2::7' })).toMatchObject({ allowed: false, by: 'ip' });
    expect(limiter.tracked).toEqual({ ip: 1, ipUser: 2, username: 0 });
    // The next /64, and IPv4 mapped into IPv6, are addresses of their own.
    expect(limiter.take({ ip: '2001:db8:1:3::1', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '::ffff:10.0.0.1', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '10.0.0.1', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '10.0.0.1', username: 'alice' })).toMatchObject({ allowed: false, by: 'ip-user' });
  });

  it('makes the addresses of one /64 wait as one address on a username under the slowdown', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 100, slowdownAfterFailures: 1 });
    failFrom(limiter, 2, 'alice');
    expect(limiter.take({ ip: '2001:db8:1:2::1', username: 'alice' }).allowed).toBe(true);
    expect(limiter.take({ ip: '2001:db8:1:2::2', username: 'alice' })).toMatchObject({ allowed: false, by: 'slowdown' });
    expect(limiter.take({ ip: '2001:db8:1:3::1', username: 'alice' }).allowed).toBe(true);
  });

  it('counts IPv6 addresses under ipv6PrefixBits: a /48 as one, or each address alone at 128', () => {
    const clock = new ManualClock();
    const wide = new LoginRateLimiter({ clock, perIpPerMinute: 1, ipv6PrefixBits: 48 });
    expect(wide.take({ ip: '2001:db8:1:1::1' }).allowed).toBe(true);
    expect(wide.take({ ip: '2001:db8:1:ffff::1' }).allowed).toBe(false);
    expect(wide.take({ ip: '2001:db8:2::1' }).allowed).toBe(true);
    const each = new LoginRateLimiter({ clock, perIpPerMinute: 1, ipv6PrefixBits: 128 });
    expect(each.take({ ip: '2001:db8:1:2::1' }).allowed).toBe(true);
    expect(each.take({ ip: '2001:db8:1:2::2' }).allowed).toBe(true);
    expect(each.take({ ip: '2001:db8:1:2::1' }).allowed).toBe(false);
  });

  it('refuses rates, allowances and caps that are not positive integers, and prefix lengths outside 0..128', () => {
    const clock = new ManualClock();
    expect(() => new LoginRateLimiter({ clock, perIpPerMinute: 0 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, perIpPerUserPerMinute: -1 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, slowdownAfterFailures: 0 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, slowdownMaxSec: 0.0001 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, maxTracked: 1.5 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, ipv6PrefixBits: 129 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, exempt: ['localhost'] })).toThrow(RangeError);
  });

  it('never limits or tracks an exempt address or range, IPv4 mapped into IPv6 included, and limits the rest as before', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 2, perIpPerUserPerMinute: 1, exempt: ['127.0.0.0/8', '::1', '10.9.0.0/16'] });
    for (const ip of ['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.9.3.4']) {
      expect(takeN(limiter, 500, { ip, username: 'alice' }).every(Boolean), ip).toBe(true);
      expect(takeN(limiter, 500, { ip }).every(Boolean), ip).toBe(true);
    }
    expect(limiter.tracked).toEqual({ ip: 0, ipUser: 0, username: 0 });
    expect(takeN(limiter, 2, { ip: '10.8.0.1', username: 'alice' })).toEqual([true, false]);
    expect(takeN(limiter, 2, { ip: '::2' })).toEqual([true, true]);
    expect(limiter.take({ ip: '::2' })).toMatchObject({ allowed: false, by: 'ip' });
  });

  it('does not count an exempt address\'s failed logins towards the slowdown of others', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerUserPerMinute: 100, slowdownAfterFailures: 1, exempt: ['127.0.0.1'] });
    for (let i = 0; i < 100; i++) limiter.failed('alice', '127.0.0.1');
    expect(limiter.tracked.username).toBe(0);
    expect(takeN(limiter, 3, { ip: '10.0.0.1', username: 'alice' })).toEqual([true, true, true]);
    limiter.failed('alice', '10.0.0.1');
    limiter.failed('alice', '10.0.0.1');
    expect(limiter.take({ ip: '10.0.0.1', username: 'alice' })).toMatchObject({ allowed: false, by: 'slowdown' });
    expect(limiter.take({ ip: '127.0.0.1', username: 'alice' }).allowed).toBe(true);
  });
});
