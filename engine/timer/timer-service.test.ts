import { describe, expect, it } from 'vitest';
import type { Logger } from '../log/types.js';
import { ManualClock } from './clock.js';
import { createTimerService, type TimerFiring, type TimerService } from './timer-service.js';

// These tests expect no callback to fail: a logged error fails the test at once.
const failOnError: Logger = {
  error: (message, meta) => {
    throw new Error(`unexpected log: ${message} ${String(meta?.err)}`);
  },
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => failOnError,
};

function setup(): { clock: ManualClock; timers: TimerService } {
  const clock = new ManualClock(0);
  return { clock, timers: createTimerService({ clock, logger: failOnError }) };
}

describe('TimerService scheduling', () => {
  it('fires a once timer exactly once, at its deadline', () => {
    const { clock, timers } = setup();
    const at: number[] = [];
    const id = timers.once(100, () => void at.push(clock.now()));
    clock.advance(99);
    expect(at).toEqual([]);
    expect(timers.has(id)).toBe(true);
    clock.advance(1);
    clock.advance(1000);
    expect(at).toEqual([100]);
    expect(timers.has(id)).toBe(false);
    expect(timers.size).toBe(0);
  });

  it('fires timers with equal deadlines in the order they were scheduled', () => {
    const { clock, timers } = setup();
    const order: string[] = [];
    timers.once(50, () => void order.push('a'));
    timers.once(10, () => void order.push('early'));
    timers.once(50, () => void order.push('b'));
    timers.once(50, () => void order.push('c'));
    clock.advance(50);
    expect(order).toEqual(['early', 'a', 'b', 'c']);
  });

  it('repeats N times with the firing count, then is gone', () => {
    const { clock, timers } = setup();
    const firings: TimerFiring[] = [];
    const id = timers.repeat(10, (f) => void firings.push(f), { times: 3, key: 'k' });
    clock.advance(100);
    expect(firings).toEqual([1, 2, 3].map((count) => ({ id, count })));
    expect(timers.has(id)).toBe(false);
    expect(timers.cancelKey('k')).toBe(0);
  });

  it('repeats forever without drift until cancelled, starting after firstDelayMs', () => {
    const { clock, timers } = setup();
    const at: number[] = [];
    const id = timers.repeat(1000, () => void at.push(clock.now()), { firstDelayMs: 0 });
    clock.advance(10_000);
    expect(at).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    expect(timers.cancel(id)).toBe(true);
    clock.advance(10_000);
    expect(at).toHaveLength(11);
    expect(clock.pendingCount).toBe(0);
  });

  it('fires a 1 s repeat 10 times over a 10 s advance', () => {
    const { clock, timers } = setup();
    let count = 0;
    timers.repeat(1000, () => void count++);
    clock.advance(10_000);
    expect(count).toBe(10);
  });

  it('cancels by id, and reports whether the timer was live', () => {
    const { clock, timers } = setup();
    let fired = false;
    const id = timers.once(10, () => void (fired = true));
    expect(timers.cancel(id)).toBe(true);
    expect(timers.cancel(id)).toBe(false);
    expect(timers.cancel(12345)).toBe(false);
    clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });

  it('cancels all timers under a key and none of the others', () => {
    const { clock, timers } = setup();
    const fired: string[] = [];
    for (let i = 0; i < 5; i++) timers.once(10 + i, () => void fired.push(`room-${i}`), { key: 'room' });
    timers.repeat(7, () => void fired.push('room-repeat'), { key: 'room' });
    timers.once(10, () => void fired.push('other-key'), { key: 42 });
    timers.once(10, () => void fired.push('no-key'));
    expect(timers.cancelKey('room')).toBe(6);
    expect(timers.cancelKey('room')).toBe(0);
    expect(timers.size).toBe(2);
    clock.advance(100);
    expect(fired).toEqual(['other-key', 'no-key']);
  });

  it('fires 100k timers with random deadlines in deadline order, and then holds none', () => {
    const { clock, timers } = setup();
    const dues: number[] = [];
    const fired: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const due = Math.floor(Math.random() * 60_000);
      dues.push(due);
      timers.once(due, () => void fired.push(clock.now()), i % 3 === 0 ? { key: i % 100 } : undefined);
    }
    expect(timers.size).toBe(100_000);
    clock.advance(60_000);
    expect(fired).toEqual(dues.sort((a, b) => a - b));
    expect(timers.size).toBe(0);
    expect(timers.cancelKey(0)).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('keeps one clock timer armed for the earliest deadline, whatever the number of timers', () => {
    const { clock, timers } = setup();
    for (let i = 0; i < 100; i++) timers.once(1000 - i, () => {});
    expect(clock.pendingCount).toBe(1);
    clock.advance(950);
    expect(clock.pendingCount).toBe(1);
    expect(timers.size).toBe(50);
  });

  it('stops: cancels every timer, disarms the clock, and refuses new timers', () => {
    const { clock, timers } = setup();
    let fired = false;
    timers.once(10, () => void (fired = true), { key: 'k' });
    timers.repeat(5, () => void (fired = true));
    timers.stop();
    expect(timers.size).toBe(0);
    expect(clock.pendingCount).toBe(0);
    clock.advance(100);
    expect(fired).toBe(false);
    expect(() => timers.once(1, () => {})).toThrow(/stopped/);
    expect(() => timers.repeat(1, () => {})).toThrow(/stopped/);
    timers.stop();
  });

  it('gives every timer a new id', () => {
    const { clock, timers } = setup();
    const a = timers.once(1, () => {});
    clock.advance(1);
    const b = timers.once(1, () => {});
    expect(b).not.toBe(a);
  });

  it('throws at once on invalid arguments', () => {
    const { timers } = setup();
    const noop = (): void => {};
    for (const bad of [-1, NaN, Infinity]) {
      expect(() => timers.once(bad, noop)).toThrow(RangeError);
      expect(() => timers.repeat(10, noop, { firstDelayMs: bad })).toThrow(RangeError);
    }
    for (const bad of [0, -5, NaN, Infinity]) expect(() => timers.repeat(bad, noop)).toThrow(RangeError);
    for (const bad of [0, -1, 1.5, NaN]) expect(() => timers.repeat(10, noop, { times: bad })).toThrow(RangeError);
    expect(() => timers.once(10, 'nope' as unknown as () => void)).toThrow(TypeError);
    expect(() => timers.repeat(10, undefined as unknown as () => void)).toThrow(TypeError);
    expect(timers.size).toBe(0);
  });

  it('never lets a stale id cancel the timer that reused its slot', () => {
    const { clock, timers } = setup();
    const stale = timers.once(10, () => {});
    timers.cancel(stale);
    let fired = false;
    const fresh = timers.once(10, () => void (fired = true));
    expect(fresh).not.toBe(stale);
    expect(timers.cancel(stale)).toBe(false);
    expect(timers.has(stale)).toBe(false);
    clock.advance(10);
    expect(fired).toBe(true);
  });

  it('after the earliest timer is cancelled, wakes at its old deadline and re-arms for the next', () => {
    const { clock, timers } = setup();
    const at: number[] = [];
    const early = timers.once(10, () => void at.push(clock.now()));
    timers.once(100, () => void at.push(clock.now()));
    timers.cancel(early);
    expect(clock.pendingCount).toBe(1);
    clock.advance(10);
    expect(at).toEqual([]);
    expect(clock.pendingCount).toBe(1);
    clock.advance(90);
    expect(at).toEqual([100]);
  });
});
