/** Exponential backoff between attempts: `baseMs`, doubled each attempt, capped at `maxMs`. */
export interface Backoff {
  /** Delay before the first retry. */
  baseMs: number;
  /** Longest delay between two attempts. */
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1-based): exponential, capped, with "full jitter" in its
 * upper half, so that many clients retrying together spread out.
 */
export function backoffDelay(policy: Backoff, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
