import { describe, expect, it } from 'vitest';
import { AnswerQueue } from './answer-queue.js';

describe('AnswerQueue', () => {
  it('settles the oldest waiting requests first', async () => {
    const queue = new AnswerQueue();
    const settled: number[] = [];
    const requests = [0, 1, 2].map((i) => queue.next().then(() => settled.push(i)));
    queue.answer(2);
    await Promise.all(requests.slice(0, 2));
    expect(settled).toEqual([0, 1]);
    expect(queue.size).toBe(1);
    queue.answer();
    await requests[2];
    expect(settled).toEqual([0, 1, 2]);
    expect(queue.size).toBe(0);
  });

  it('keeps its order across the compaction of settled requests', async () => {
    const queue = new AnswerQueue();
    let settled = 0;
    for (let round = 0; round < 3; round++) {
      const requests = Array.from({ length: 40_000 }, () => queue.next().then(() => settled++));
      queue.answer(40_000);
      await Promise.all(requests);
    }
    expect(settled).toBe(120_000);
    expect(queue.size).toBe(0);
  });

  it('refuses an answer to a request never sent', () => {
    const queue = new AnswerQueue();
    void queue.next();
    expect(() => queue.answer(2)).toThrow(RangeError);
  });
});
