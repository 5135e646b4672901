import { describe, expect, it } from 'vitest';
import { KeyedLock } from './keyed-lock.js';

describe('KeyedLock', () => {
  it('runs the steps of one key one after another and those of different keys side by side', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    let releaseA!: () => void;
    const a1 = lock.run('a', () => new Promise<void>((resolve) => (releaseA = resolve)).then(() => void order.push('a1')));
    const a2 = lock.run('a', async () => void order.push('a2'));
    const b1 = lock.run('b', async () => void order.push('b1'));
    await b1;
    expect(order).toEqual(['b1']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  it('goes on after a failed step and forgets keys with nothing queued', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', () => Promise.reject(new Error('broken')));
    const next = lock.run('k', async () => 'next');
    await expect(failed).rejects.toThrow('broken');
    expect(await next).toBe('next');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lock.size).toBe(0);
  });
});
