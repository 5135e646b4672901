import { describe, expect, it } from 'vitest';
import { ManualClock } from '../engine/timer/clock.js';
import { LobbyError } from './errors.js';
import { SessionQueue } from './session-queue.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SessionQueue', () => {
  it('starts a task on an idle queue in the same turn', () => {
    const queue = new SessionQueue(4);
    let ran = false;
    void queue.run(() => (ran = true));
    expect(ran).toBe(true);
  });

  it('runs tasks one at a time in the order they came, sync and async alike', async () => {
    const queue = new SessionQueue(8);
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run(async () => {
      order.push('first started');
      await gate.promise;
      order.push('first done');
      return 1;
    });
    const second = queue.run(() => {
      order.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(order).toEqual(['first started']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(['first started', 'first done', 'second']);
  });

  it('passes on what a task throws and goes on with the next', async () => {
    const queue = new SessionQueue(4);
    const failed = queue.run(() => {
      throw new Error('nope');
    });
    const next = queue.run(() => 'next');
    await expect(failed).rejects.toThrow('nope');
    expect(await next).toBe('next');
    expect(queue.size).toBe(0);
  });

  it('refuses a task past its cap with LOBBY_ERR_QUEUE_FULL, but never refuses the lobby’s own steps', async () => {
    const queue = new SessionQueue(2);
    const gate = deferred();
    void queue.run(() => gate.promise);
    void queue.run(() => undefined);
    const refused = await queue.run(() => undefined).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(LobbyError);
    expect((refused as LobbyError).code).toBe('LOBBY_ERR_QUEUE_FULL');
    const own = queue.after(() => 'closed');
    expect(queue.size).toBe(3);
    gate.resolve();
    expect(await own).toBe('closed');
  });

  it('settles at once when empty, when the queue drains, or gives up after the wait on the clock', async () => {
    const clock = new ManualClock();
    const queue = new SessionQueue(4);
    expect(await queue.settle(clock, 100)).toBe(true);
    const gate = deferred();
    void queue.run(() => gate.promise);
    const drained = queue.settle(clock, 100);
    gate.resolve();
    expect(await drained).toBe(true);
    expect(clock.pendingCount).toBe(0);
    void queue.run(() => new Promise(() => {}));
    const stuck = queue.settle(clock, 100);
    clock.advance(100);
    expect(await stuck).toBe(false);
  });

  it('refuses a cap below 1', () => {
    expect(() => new SessionQueue(0)).toThrow(RangeError);
  });
});
