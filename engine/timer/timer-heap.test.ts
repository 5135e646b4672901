import { describe, expect, it } from 'vitest';
import { TimerHeap } from './timer-heap.js';

// A small deterministic PRNG (mulberry32) so a failure replays identically.
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drain(heap: TimerHeap): number[] {
  const order: number[] = [];
  for (let slot = heap.pop(); slot >= 0; slot = heap.pop()) order.push(slot);
  return order;
}

describe('TimerHeap', () => {
  it('pops slots by due time, and equal due times in insertion order', () => {
    const heap = new TimerHeap();
    for (const [slot, due] of [[1, 5], [2, 3], [3, 5], [4, 1], [5, 3]] as const) heap.insert(slot, due);
    expect(drain(heap)).toEqual([4, 2, 5, 1, 3]);
  });

  it('queues a re-inserted slot behind slots already waiting for the same deadline', () => {
    const heap = new TimerHeap();
    heap.insert(1, 10);
    heap.insert(2, 10);
    expect(heap.pop()).toBe(1);
    heap.insert(1, 10);
    expect(drain(heap)).toEqual([2, 1]);
  });

  it('matches a sorted-array reference under random inserts, removals and pops', () => {
    const random = prng(42);
    const heap = new TimerHeap();
    interface Entry { slot: number; due: number; seq: number }
    let reference: Entry[] = [];
    const free: number[] = [];
    let nextSlot = 0;
    let seq = 0;
    const byOrder = (x: Entry, y: Entry): number => x.due - y.due || x.seq - y.seq;
    for (let step = 0; step < 20_000; step++) {
      const r = random();
      if (r < 0.5 || reference.length === 0) {
        const slot = free.pop() ?? nextSlot++;
        const due = Math.floor(random() * 200) + random();
        heap.insert(slot, due);
        reference.push({ slot, due, seq: seq++ });
      } else if (r < 0.8) {
        const victim = reference[Math.floor(random() * reference.length)]!;
        expect(heap.remove(victim.slot)).toBe(true);
        expect(heap.remove(victim.slot)).toBe(false);
        reference = reference.filter((e) => e !== victim);
        free.push(victim.slot);
      } else {
        reference.sort(byOrder);
        const expected = reference.shift()!;
        expect(heap.peekDue()).toBe(expected.due);
        expect(heap.pop()).toBe(expected.slot);
        free.push(expected.slot);
      }
      expect(heap.size).toBe(reference.length);
      if (step % 97 === 0) {
        reference.sort(byOrder);
        expect(heap.peekSlot()).toBe(reference[0]?.slot ?? -1);
      }
    }
    reference.sort(byOrder);
    expect(drain(heap)).toEqual(reference.map((e) => e.slot));
    expect(heap.peekDue()).toBe(Infinity);
  });

  it('forgets removed, popped and cleared slots so they can be inserted again', () => {
    const heap = new TimerHeap();
    heap.insert(1, 1);
    heap.insert(2, 2);
    heap.insert(3, 3);
    heap.remove(2);
    heap.pop();
    expect([heap.has(1), heap.has(2), heap.has(3)]).toEqual([false, false, true]);
    heap.clear();
    expect(heap.has(3)).toBe(false);
    expect(heap.size).toBe(0);
    heap.insert(2, 7);
    expect([heap.peekSlot(), heap.peekDue()]).toEqual([2, 7]);
  });

  it('grows past its initial capacity, for entries and for large slot numbers', () => {
    const heap = new TimerHeap();
    for (let i = 0; i < 1000; i++) heap.insert(999 - i, i);
    heap.insert(1_000_000, -1);
    expect(heap.pop()).toBe(1_000_000);
    expect(drain(heap)).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
  });

  it('refuses a slot that is already in the heap or is not a slot number', () => {
    const heap = new TimerHeap();
    heap.insert(1, 1);
    expect(() => heap.insert(1, 2)).toThrow(/already in the heap/);
    for (const bad of [-1, 1.5, NaN]) expect(() => heap.insert(bad, 1)).toThrow(RangeError);
    expect(heap.remove(-1)).toBe(false);
    expect(heap.remove(12345)).toBe(false);
    expect(heap.size).toBe(1);
  });
});
