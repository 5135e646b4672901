import type { ManualClock } from '../timer/clock.js';

/**
 * Moves a {@link ManualClock} forward in `stepMs` steps, letting promise callbacks run between
 * steps, until `promise` settles (at most `maxSteps` steps).
 * @returns the promise's value.
 * @throws what the promise rejects with, or an Error when it has not settled after `maxSteps`.
 */
export async function driveClock<T>(clock: ManualClock, promise: Promise<T>, stepMs = 100, maxSteps = 1_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => undefined);
  for (let i = 0; i < maxSteps && !settled; i++) {
    // Several turns, so that chains of awaits reach their next timer before time moves on.
    for (let k = 0; k < 5; k++) await Promise.resolve();
    if (!settled) clock.advance(stepMs);
  }
  if (!settled) throw new Error(`driveClock: still pending after ${maxSteps} steps of ${stepMs} ms`);
  return watched;
}
