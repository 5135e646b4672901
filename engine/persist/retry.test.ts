import { describe, expect, it } from 'vitest';
import { driveClock } from '../testing/drive-clock.js';
import { ManualClock } from '../timer/clock.js';
import { withRetry } from './retry.js';

class Transient extends Error {}
const isTransient = (err: unknown): boolean => err instanceof Transient;
const policy = { maxRetries: 3, baseMs: 100, maxMs: 250 };

// The settled value or the rejection, with the clock driven until then.
const settle = (clock: ManualClock, promise: Promise<unknown>): Promise<unknown> =>
  driveClock(clock, promise, 50).catch((err: unknown) => err);

describe('withRetry', () => {
  it('retries transient failures and returns the first success', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    const result = settle(
      clock,
      withRetry(
        async (attempt) => {
          attempts.push(attempt);
          if (attempt < 3) throw new Transient('flaky');
          return 'ok';
        },
        policy,
        clock,
        isTransient,
      ),
    );
    expect(await result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const clock = new ManualClock();
    const retries: number[] = [];
    let calls = 0;
    const op = async (): Promise<never> => {
      calls++;
      throw new Transient(`down ${calls}`);
    };
    const err = await settle(clock, withRetry(op, policy, clock, isTransient, (_e, n) => retries.push(n)));
    expect((err as Error).message).toBe('down 4');
    expect(retries).toEqual([1, 2, 3]);
  });

  it('does not retry an error that is not transient', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const err = await settle(
      clock,
      withRetry(
        async () => {
          calls++;
          throw new Error('bad input');
        },
        policy,
        clock,
        isTransient,
      ),
    );
    expect((err as Error).message).toBe('bad input');
    expect(calls).toBe(1);
  });
});
