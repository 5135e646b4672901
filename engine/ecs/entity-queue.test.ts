import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../timer/clock.js';
import { EntityQueue } from './entity-queue.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('EntityQueue', () => {
  it('starts a task on an idle queue in the same turn', () => {
    const queue = new EntityQueue(4);
    let ran = false;
    void queue.offer(() => (ran = true));
    expect(ran).toBe(true);
  });

  it('runs tasks one at a time in the order they came, sync and async alike', async () => {
    const queue = new EntityQueue(8);
    const order: string[] = [];
    const gate = deferred();
    const first = queue.offer(async () => {
      order.push('first started');
      await gate.promise;
      order.push('first done');
      return 1;
    })!;
    const second = queue.offer(() => {
      order.push('second');
      return 2;
    })!;
    await Promise.resolve();
    expect(order).toEqual(['first started']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(order).toEqual(['first started', 'first done', 'second']);
  });

  it('passes on what a task throws and goes on with the next', async () => {
    const queue = new EntityQueue(4);
    const failed = queue.offer(() => {
      throw new Error('nope');
    })!;
    const next = queue.offer(() => 'next')!;
    await expect(failed).rejects.toThrow('nope');
    expect(await next).toBe('next');
    expect(queue.size).toBe(0);
  });

  it('refuses a task past its cap, or past the cap its caller gives, but never refuses the server’s own steps', async () => {
    const queue = new EntityQueue(3);
    const gate = deferred();
    void queue.offer(() => gate.promise);
    void queue.offer(() => undefined);
    expect(queue.offer(() => undefined, 2)).toBeUndefined();
    void queue.offer(() => undefined);
    expect(queue.offer(() => undefined)).toBeUndefined();
    const own = queue.after(() => 'closed');
    expect(queue.size).toBe(4);
    gate.resolve();
    expect(await own).toBe('closed');
  });

  it('settles at once when empty, when the queue drains, or gives up after the wait on the clock', async () => {
    const clock = new ManualClock();
    const queue = new EntityQueue(4);
    expect(await queue.settle(clock, 100)).toBe(true);
    const gate = deferred();
    void queue.offer(() => gate.promise);
    const drained = queue.settle(clock, 100);
    gate.resolve();
    expect(await drained).toBe(true);
    expect(clock.pendingCount).toBe(0);
    void queue.offer(() => new Promise(() => {}));
    const stuck = queue.settle(clock, 100);
    clock.advance(100);
    expect(await stuck).toBe(false);
  });

  it('refuses a cap below 1', () => {
    expect(() => new EntityQueue(0)).toThrow(RangeError);
    expect(() => new EntityQueue().offer(() => undefined, 1.5)).toThrow(RangeError);
  });

  it('runs a task that waited in the async context of the caller that queued it', async () => {
    const storage = new AsyncLocalStorage<string>();
    const queue = new EntityQueue(64, { current: () => storage.getStore(), run: (context, fn) => storage.run(context, fn) });
    const gate = deferred();
    const first = storage.run('first', () => queue.offer(async () => [storage.getStore(), await gate.promise, storage.getStore()][0]));
    const second = storage.run('second', () => queue.offer(() => storage.getStore()));
    gate.resolve();
    expect(await first).toBe('first');
    expect(await second).toBe('second');
  });
});
