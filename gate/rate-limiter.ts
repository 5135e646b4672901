/**
 * A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. Time is passed in, so
 * one bucket per connection costs two numbers and no timer.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond sustained rate.
   * @param burst most tokens saved up (the first burst a fresh connection may send).
   * @param now the current time in ms.
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when none is left. */
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
