import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, SystemClock } from './clock.js';

describe('ManualClock', () => {
  it('steps through deadlines in order, so a timer set inside the advanced span fires in the same advance', () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setTimer(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimer(() => seen.push(`c@${clock.now()}`), 10);
    }, 10);
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 15);
    clock.advance(30);
    expect(seen).toEqual(['a@10', 'b@15', 'c@20']);
    expect(clock.now()).toBe(30);
  });

  it('fires timers with equal deadlines in the order they were set', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) clock.setTimer(() => seen.push(i), 7);
    clock.advance(7);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('does not fire a cleared timer, and clearing twice is harmless', () => {
    const clock = new ManualClock(0);
    let fired = false;
    const timer = clock.setTimer(() => (fired = true), 5);
    clock.clearTimer(timer);
    clock.clearTimer(timer);
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });

  it('treats a negative or NaN delay as 0, so time never becomes NaN', () => {
    const clock = new ManualClock(100);
    const seen: number[] = [];
    clock.setTimer(() => seen.push(clock.now()), NaN);
    clock.setTimer(() => seen.push(clock.now()), -5);
    clock.advance(0);
    expect(seen).toEqual([100, 100]);
    expect(clock.now()).toBe(100);
  });

  it('rejects a negative or non-finite advance', () => {
    const clock = new ManualClock(0);
    for (const bad of [-1, NaN, Infinity]) expect(() => clock.advance(bad)).toThrow(RangeError);
  });
});

describe('SystemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs where setTimeout returns a number without unref, as in browsers', () => {
    const started: { callback: () => void; delayMs: number }[] = [];
    const cleared: unknown[] = [];
    vi.stubGlobal('setTimeout', (callback: () => void, delayMs: number) => started.push({ callback, delayMs }));
    vi.stubGlobal('clearTimeout', (handle: unknown) => cleared.push(handle));
    const clock = new SystemClock();
    let fired = 0;
    const timer = clock.setTimer(() => fired++, 25);
    expect(started.map((s) => s.delayMs)).toEqual([25]);
    started[0]!.callback();
    expect(fired).toBe(1);
    clock.clearTimer(timer);
    const long = clock.setTimer(() => fired++, 2 ** 32);
    clock.clearTimer(long);
    expect(cleared).toEqual([1, 2]);
  });

  it('waits out a delay longer than setTimeout allows instead of firing after 1 ms', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const clock = new SystemClock();
    const month = 30 * 24 * 3600 * 1000;
    let fired = 0;
    clock.setTimer(() => fired++, month);
    vi.advanceTimersByTime(month - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it('clears a long timer', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const clock = new SystemClock();
    const month = 30 * 24 * 3600 * 1000;
    let fired = 0;
    const timer = clock.setTimer(() => fired++, month);
    vi.advanceTimersByTime(month / 2);
    clock.clearTimer(timer);
    vi.advanceTimersByTime(month);
    expect(fired).toBe(0);
  });
});
