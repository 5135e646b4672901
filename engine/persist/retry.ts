import { backoffDelay, type Backoff } from '../timer/backoff.js';
import type { Clock } from '../timer/clock.js';

/** How an operation is retried after a transient failure; delays follow {@link backoffDelay}. */
export interface RetryPolicy extends Backoff {
  /** Retries after the first attempt (0: try once). */
  maxRetries: number;
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
