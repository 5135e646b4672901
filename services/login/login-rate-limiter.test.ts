import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

function takeN(limiter: LoginRateLimiter, n: number, key: { ip: string; username?: string }): boolean[] {
  return Array.from({ length: n }, () => limiter.take(key).allowed);
}

describe('LoginRateLimiter', () => {
  it('allows a burst of perUserPerMinute attempts on a username, then refuses with the wait for the next one', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 100, perUserPerMinute: 3 });
    expect(takeN(limiter, 3, { ip: '10.0.0.1', username: 'alice' })).toEqual([true, true, true]);
    expect(limiter.take({ ip: '10.0.0.2', username: 'alice' })).toEqual({ allowed: false, by: 'username', retryAfterMs: 20_000 });
    expect(limiter.take({ ip: '10.0.0.1', username: 'bob' }).allowed).toBe(true);
  });

  it('refills evenly: one attempt back after a minute divided by the rate', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 100, perUserPerMinute: 3 });
    takeN(limiter, 3, { ip: 'a', username: 'alice' });
    clock.advance(15_000);
    expect(limiter.take({ ip: 'a', username: 'alice' })).toEqual({ allowed: false, by: 'username', retryAfterMs: 5_000 });
    clock.advance(5_000);
    expect(takeN(limiter, 2, { ip: 'a', username: 'alice' })).toEqual([true, false]);
    clock.advance(3_600_000);
    expect(takeN(limiter, 4, { ip: 'a', username: 'alice' })).toEqual([true, true, true, false]);
  });

  it('limits each address across usernames, and registrations that name no username', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 4, perUserPerMinute: 100 });
    expect([...takeN(limiter, 2, { ip: 'a', username: 'u1' }), ...takeN(limiter, 2, { ip: 'a' })]).toEqual([true, true, true, true]);
    expect(limiter.take({ ip: 'a', username: 'u3' })).toEqual({ allowed: false, by: 'ip', retryAfterMs: 15_000 });
    expect(limiter.take({ ip: 'b', username: 'u3' }).allowed).toBe(true);
  });

  it('does not drain a username while the address trying it is refused', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 1, perUserPerMinute: 2 });
    expect(takeN(limiter, 5, { ip: 'attacker', username: 'alice' })).toEqual([true, false, false, false, false]);
    expect(limiter.take({ ip: 'home', username: 'alice' }).allowed).toBe(true);
  });

  it('tracks at most maxTracked buckets per map, forgetting the least recently used first', () => {
    const clock = new ManualClock();
    const limiter = new LoginRateLimiter({ clock, perIpPerMinute: 1, perUserPerMinute: 1, maxTracked: 2 });
    limiter.take({ ip: 'a' });
    limiter.take({ ip: 'b' });
    expect(limiter.take({ ip: 'a' }).allowed).toBe(false); // a is now the most recently used
    limiter.take({ ip: 'c' }); // evicts b
    expect(limiter.tracked).toEqual({ ip: 2, username: 0 });
    expect(limiter.take({ ip: 'a' }).allowed).toBe(false);
    expect(limiter.take({ ip: 'b' }).allowed).toBe(true); // forgotten, so back to a full bucket
  });

  it('refuses rates and caps that are not positive integers', () => {
    const clock = new ManualClock();
    expect(() => new LoginRateLimiter({ clock, perIpPerMinute: 0 })).toThrow(RangeError);
    expect(() => new LoginRateLimiter({ clock, maxTracked: 1.5 })).toThrow(RangeError);
  });
});
