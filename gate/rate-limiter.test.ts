import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then the sustained rate as time passes', () => {
    const limiter = new RateLimiter(10, 3, 0);
    expect([limiter.take(0), limiter.take(0), limiter.take(0), limiter.take(0)]).toEqual([true, true, true, false]);
    expect(limiter.take(50)).toBe(false);
    expect(limiter.take(100)).toBe(true);
    expect(limiter.take(100)).toBe(false);
  });

  it('never saves up more than the burst', () => {
    const limiter = new RateLimiter(100, 2, 0);
    let allowed = 0;
    for (let i = 0; i < 10; i++) if (limiter.take(60_000)) allowed++;
    expect(allowed).toBe(2);
  });
});
