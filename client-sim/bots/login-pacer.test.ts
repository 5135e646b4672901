import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/timer/clock.js';
import { LoginPacer } from './login-pacer.js';

/** Lets the promise callbacks of resolved takes run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LoginPacer', () => {
  it('lets logins through at its rate, first come first served', async () => {
    const clock = new ManualClock();
    const pacer = new LoginPacer({ ratePerSecond: 10, clock });
    const order: number[] = [];
    const takes = Array.from({ length: 5 }, (_, i) => pacer.take().then((go) => go && order.push(i)));
    await settle();
    expect(order).toEqual([0]);
    expect(pacer.waiting).toBe(4);
    clock.advance(100);
    await settle();
    expect(order).toEqual([0, 1]);
    clock.advance(250);
    await settle();
    expect(order).toEqual([0, 1, 2, 3]);
    clock.advance(100);
    await Promise.all(takes);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(pacer.waiting).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('saves up to its burst over a quiet spell, and no more', async () => {
    const clock = new ManualClock();
    const pacer = new LoginPacer({ ratePerSecond: 2, clock, burst: 3 });
    clock.advance(60_000);
    const gone: boolean[] = [];
    for (let i = 0; i < 5; i++) void pacer.take().then((go) => gone.push(go));
    await settle();
    expect(gone).toEqual([true, true, true]);
    clock.advance(499);
    await settle();
    expect(gone).toHaveLength(3);
    clock.advance(1);
    await settle();
    expect(gone).toHaveLength(4);
    pacer.close();
  });

  it('lets waiters and later takes go with false when closed, and leaves no timer', async () => {
    const clock = new ManualClock();
    const pacer = new LoginPacer({ ratePerSecond: 1, clock });
    expect(await pacer.take()).toBe(true);
    const waiting = [pacer.take(), pacer.take()];
    expect(clock.pendingCount).toBe(1);
    pacer.close();
    expect(await Promise.all(waiting)).toEqual([false, false]);
    expect(await pacer.take()).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });

  it('bounds its waiters', () => {
    const pacer = new LoginPacer({ ratePerSecond: 1, clock: new ManualClock(), maxWaiting: 2 });
    void pacer.take();
    void pacer.take();
    void pacer.take();
    expect(() => pacer.take()).toThrow(/more than 2 logins wait/);
    pacer.close();
  });

  it('keeps its pace over many waiters', async () => {
    const clock = new ManualClock();
    const pacer = new LoginPacer({ ratePerSecond: 50, clock });
    let gone = 0;
    for (let i = 0; i < 3000; i++) void pacer.take().then(() => gone++);
    for (let second = 1; second <= 10; second++) {
      clock.advance(1000);
      await settle();
      expect(gone).toBe(1 + 50 * second);
    }
    pacer.close();
  });

  it('holds logins back while as many as it allows are in flight, and lets the next go on a release', async () => {
    const clock = new ManualClock();
    const pacer = new LoginPacer({ ratePerSecond: 100, clock, maxInFlight: 2 });
    const gone: number[] = [];
    for (let i = 0; i < 4; i++) void pacer.take().then((go) => go && gone.push(i));
    clock.advance(1_000);
    await settle();
    expect(gone).toEqual([0, 1]);
    expect(pacer.running).toBe(2);
    expect(clock.pendingCount).toBe(0);
    pacer.release();
    await settle();
    expect(gone).toEqual([0, 1, 2]);
    pacer.release();
    pacer.release();
    await settle();
    // Room in flight, but the token went to the last one: the rate still holds.
    expect(gone).toEqual([0, 1, 2]);
    clock.advance(10);
    await settle();
    expect(gone).toEqual([0, 1, 2, 3]);
    expect(pacer.running).toBe(1);
    pacer.close();
  });

  it('refuses a rate it cannot keep', () => {
    for (const ratePerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new LoginPacer({ ratePerSecond, clock: new ManualClock() })).toThrow(RangeError);
    }
    expect(() => new LoginPacer({ ratePerSecond: 1, clock: new ManualClock(), burst: 0.5 })).toThrow(/burst/);
    expect(() => new LoginPacer({ ratePerSecond: 1, clock: new ManualClock(), maxInFlight: 0 })).toThrow(/maxInFlight/);
  });
});
