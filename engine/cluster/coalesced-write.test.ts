import { describe, expect, it } from 'vitest';
import { CoalescedWrite } from './coalesced-write.js';

function controlledWrites() {
  const finishes: Array<(err?: Error) => void> = [];
  let state = 0;
  const written: number[] = [];
  const write = new CoalescedWrite(
    () =>
      new Promise<void>((resolve, reject) => {
        const snapshot = state;
        finishes.push((err) => {
          if (err) return reject(err);
          written.push(snapshot);
          resolve();
        });
      }),
  );
  return { write, finishes, written, set: (n: number) => void (state = n) };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedWrite', () => {
  it('writes once more, with the latest state, for any number of calls made during a write', async () => {
    const { write, finishes, written, set } = controlledWrites();
    set(1);
    const first = write.run();
    const later: Array<Promise<void>> = [];
    for (let i = 2; i <= 10; i++) {
      set(i);
      later.push(write.run());
    }
    expect(finishes).toHaveLength(1);
    finishes[0]!();
    await first;
    await settle();
    expect(finishes).toHaveLength(2);
    finishes[1]!();
    await Promise.all(later);
    expect(written).toEqual([1, 10]);
  });

  it('passes a failed write to its callers and runs the queued one anyway', async () => {
    const { write, finishes, written, set } = controlledWrites();
    const first = write.run();
    set(2);
    const second = write.run();
    finishes[0]!(new Error('etcd down'));
    await expect(first).rejects.toThrow('etcd down');
    await settle();
    finishes[1]!();
    await second;
    expect(written).toEqual([2]);
  });
});
