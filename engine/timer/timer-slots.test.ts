import { describe, expect, it } from 'vitest';
import { TimerSlots, type TimerRecord } from './timer-slots.js';

describe('TimerSlots', () => {
  it('hands out ids 1, 2, 3... and resolves only live ones', () => {
    const slots = new TimerSlots();
    const [a, b, c] = [slots.acquire(), slots.acquire(), slots.acquire()];
    expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
    slots.release(b);
    expect(slots.get(2)).toBeUndefined();
    expect(slots.get(1)).toBe(a);
    expect(slots.size).toBe(2);
    for (const notAnId of [0, -1, 1.5, NaN, 2 ** 60]) expect(slots.get(notAnId)).toBeUndefined();
  });

  it('never repeats an id under heavy churn, and a stale id never resolves to its successor', () => {
    const slots = new TimerSlots();
    const seen = new Set<number>();
    const live: TimerRecord[] = [];
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let step = 0; step < 20_000; step++) {
      if (live.length === 0 || random() < 0.55) {
        const record = slots.acquire();
        expect(seen.has(record.id)).toBe(false);
        seen.add(record.id);
        live.push(record);
      } else {
        const [record] = live.splice(Math.floor(random() * live.length), 1);
        const id = record!.id;
        slots.release(record!);
        expect(slots.get(id)).toBeUndefined();
      }
    }
    expect(slots.size).toBe(live.length);
    for (const record of live) expect(slots.get(record.id)).toBe(record);
  });

  it('reuses freed slots in ascending order, whatever order they were freed in', () => {
    const slots = new TimerSlots();
    const records = Array.from({ length: 64 }, () => slots.acquire());
    // Every odd slot, freed in a scrambled order.
    const freed = Array.from({ length: 32 }, (_, i) => ((i * 13) % 32) * 2 + 1);
    for (const i of freed) slots.release(records[i]!);
    const reused = Array.from({ length: 16 }, () => slots.acquire().slot);
    expect(reused).toEqual(Array.from({ length: 16 }, (_, i) => i * 2 + 1));
  });

  it('grows the table instead of reusing when fewer than 1/8 of the slots are free', () => {
    const slots = new TimerSlots();
    const records = Array.from({ length: 80 }, () => slots.acquire());
    slots.release(records[5]!);
    expect(slots.acquire().slot).toBe(80);
    for (let i = 10; i < 20; i++) slots.release(records[i]!);
    expect(slots.acquire().slot).toBe(5);
  });

  it('forgets every record on clear', () => {
    const slots = new TimerSlots();
    const a = slots.acquire();
    slots.clear();
    expect(slots.size).toBe(0);
    expect(slots.get(a.id)).toBeUndefined();
  });
});
