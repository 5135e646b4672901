import { describe, expect, it } from 'vitest';
import { ManualClock } from '../engine/timer/clock.js';
import { TestKitError } from './errors.js';
import { PushBuffer } from './push-buffer.js';

/** The settled value of a promise after the microtasks ran, or 'pending'. */
async function stateOf(promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([promise.then((value) => ({ value }), (err: unknown) => ({ err })), Promise.resolve().then(() => 'pending')]);
}

describe('PushBuffer', () => {
  it('hands a kept push to the next wait on its route, oldest first, and leaves other routes kept', async () => {
    const buffer = new PushBuffer(new ManualClock(), 10);
    buffer.add('a', 1);
    buffer.add('b', 2);
    buffer.add('a', 3);
    expect(await buffer.next('a', 100)).toBe(1);
    expect(await buffer.next('a', 100)).toBe(3);
    expect(buffer.kept()).toEqual([{ route: 'b', body: 2 }]);
  });

  it('gives a push to the oldest wait on its route instead of keeping it', async () => {
    const buffer = new PushBuffer(new ManualClock(), 10);
    const first = buffer.next('a', 100);
    const second = buffer.next('a', 100);
    buffer.add('b', 0);
    buffer.add('a', 1);
    expect(await first).toBe(1);
    expect(await stateOf(second)).toBe('pending');
    buffer.add('a', 2);
    expect(await second).toBe(2);
    expect(buffer.kept()).toEqual([{ route: 'b', body: 0 }]);
  });

  it('fails a wait with TESTKIT_ERR_PUSH_TIMEOUT when its deadline passes, not before', async () => {
    const clock = new ManualClock();
    const buffer = new PushBuffer(clock, 10);
    buffer.add('other', 0);
    const waiting = buffer.next('a', 500);
    clock.advance(499);
    expect(await stateOf(waiting)).toBe('pending');
    clock.advance(1);
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestKitError);
    expect(err).toMatchObject({ code: 'TESTKIT_ERR_PUSH_TIMEOUT', detail: 'a within 500 ms (kept pushes on other routes: other)' });
    // The expired wait takes nothing later on.
    buffer.add('a', 1);
    expect(buffer.kept('a')).toEqual([{ route: 'a', body: 1 }]);
    expect(clock.pendingCount).toBe(0);
  });

  it('keeps at most maxKept pushes, dropping the oldest and counting them', () => {
    const buffer = new PushBuffer(new ManualClock(), 2);
    for (let i = 0; i < 5; i++) buffer.add('a', i);
    expect(buffer.kept().map((p) => p.body)).toEqual([3, 4]);
    expect(buffer.dropped).toBe(3);
  });

  it('fails every wait with TESTKIT_ERR_CLIENT_CLOSED on close, clears their deadlines, and still hands out kept pushes', async () => {
    const clock = new ManualClock();
    const buffer = new PushBuffer(clock, 10);
    buffer.add('kept', 1);
    const waiting = buffer.next('a', 500);
    buffer.close('gone');
    buffer.close('twice');
    await expect(waiting).rejects.toMatchObject({ code: 'TESTKIT_ERR_CLIENT_CLOSED', detail: 'waiting for a push on a: gone' });
    expect(clock.pendingCount).toBe(0);
    expect(await buffer.next('kept', 500)).toBe(1);
    await expect(buffer.next('a', 500)).rejects.toMatchObject({ code: 'TESTKIT_ERR_CLIENT_CLOSED' });
  });
});
