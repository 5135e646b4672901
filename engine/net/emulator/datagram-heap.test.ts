import { describe, expect, it } from 'vitest';
import { DatagramHeap, type PendingDatagram } from './datagram-heap.js';
import { SeededRandom } from './seeded-random.js';

function drainOrigins(heap: DatagramHeap): number[] {
  const origins: number[] = [];
  for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) origins.push(entry.origin);
  return origins;
}

describe('DatagramHeap', () => {
  it('pops datagrams by due time, and equal due times in push order', () => {
    const heap = new DatagramHeap();
    const bytes = new Uint8Array(0);
    for (const [origin, due] of [[1, 5], [2, 3], [3, 5], [4, 1], [5, 3]] as const) heap.push(due, origin, bytes);
    expect(drainOrigins(heap)).toEqual([4, 2, 5, 1, 3]);
  });

  it('reports Infinity as the earliest due time and pops undefined when empty', () => {
    const heap = new DatagramHeap();
    expect(heap.peekDue()).toBe(Infinity);
    expect(heap.pop()).toBeUndefined();
    heap.push(7, 0, new Uint8Array(0));
    expect(heap.peekDue()).toBe(7);
    expect(heap.size).toBe(1);
  });

  it('matches a sorted-array reference under random pushes and pops', () => {
    const random = new SeededRandom(42);
    const heap = new DatagramHeap();
    const reference: PendingDatagram[] = [];
    const mismatches: number[] = [];
    let seq = 0;
    const bytes = new Uint8Array(0);
    for (let step = 0; step < 20_000; step++) {
      if (random.chance(0.6) || reference.length === 0) {
        // Few distinct due times, so that ties are common.
        const due = random.int(50);
        heap.push(due, step, bytes);
        reference.push({ due, seq: seq++, origin: step, bytes });
      } else {
        reference.sort((x, y) => x.due - y.due || x.seq - y.seq);
        const expected = reference.shift()!;
        const due = heap.peekDue();
        const popped = heap.pop();
        if (due !== expected.due || popped?.origin !== expected.origin) mismatches.push(step);
      }
      if (heap.size !== reference.length) mismatches.push(step);
    }
    expect(mismatches).toEqual([]);
  });
});
