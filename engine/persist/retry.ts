import type { Clock } from '../timer/clock.js';

/** How an operation is retried after a transient failure. */
export interface RetryPolicy {
  /** Retries after the first attempt (0: try once). */
  maxRetries: number;
  /** Delay before the first retry, doubled each time, with jitter. */
  baseMs: number;
  /** Longest delay between two attempts. */
  maxMs: number;
}

/** Delay before retry number `retry` (1-based): exponential, capped, with "full jitter" in its upper half. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * Runs `op` until it succeeds, fails with an error that `isTransient` refuses, or has been retried
 * `policy.maxRetries` times; waits on `clock` between attempts.
 * @param op receives the attempt number, from 1, so that it can tell a first try from a retry.
 * @param onRetry called before each wait with the error and the retry number.
 * @returns the result of the first successful attempt.
 * @throws the last error when attempts run out or the error is not transient.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  clock: Clock,
  isTransient: (err: unknown) => boolean,
  onRetry?: (err: unknown, retry: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (attempt > policy.maxRetries || !isTransient(err)) throw err;
      onRetry?.(err, attempt);
      const delay = backoffDelay(policy, attempt);
      await new Promise<void>((resolve) => clock.setTimer(resolve, delay));
    }
  }
}
