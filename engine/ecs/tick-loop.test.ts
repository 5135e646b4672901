import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { TickLoop } from './tick-loop.js';

function loop(hz: number, step: (dt: number) => void, maxCatchUpSteps?: number) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const tick = new TickLoop({ clock, logger, hz, step, ...(maxCatchUpSteps ? { maxCatchUpSteps } : {}) });
  return { clock, logger, tick };
}

describe('TickLoop', () => {
  it('runs hz steps a second, each with dt = 1 / hz', () => {
    const dts: number[] = [];
    const { clock, tick } = loop(20, (dt) => dts.push(dt));
    tick.start();
    clock.advance(1_000);
    expect(dts).toHaveLength(20);
    expect(new Set(dts)).toEqual(new Set([0.05]));
    expect(tick.stats().ticks).toBe(20);
  });

  it('stops stepping on stop and resumes on start', () => {
    let steps = 0;
    const { clock, tick } = loop(10, () => steps++);
    tick.start();
    clock.advance(350);
    tick.stop();
    clock.advance(1_000);
    expect(steps).toBe(3);
    expect(clock.pendingCount).toBe(0);
    tick.start();
    clock.advance(200);
    expect(steps).toBe(5);
  });

  it('catches up a bounded number of steps after a slow one, then drops the rest and counts it', () => {
    const { clock, tick } = loop(
      20,
      () => {
        // The third step takes 500 ms: ten intervals behind.
        if (tick.stats().ticks === 2) clock.advance(500);
      },
      4,
    );
    tick.start();
    clock.advance(150);
    expect(tick.stats().ticks).toBe(3);
    // Steps ran at 50, 100 and 150 (slow, ending at 650): at the next wake 10 intervals are due; 4 run, 6 are dropped.
    clock.advance(0);
    const stats = tick.stats();
    expect(stats.ticks).toBe(3 + 4);
    expect(stats.droppedSteps).toBe(6);
    expect(stats.droppedMs).toBe(300);
    expect(stats.overruns).toBe(1);
    expect(stats.maxTickMs).toBe(500);
    // Back on schedule afterwards: one step per interval.
    clock.advance(1_000);
    expect(tick.stats().ticks).toBe(7 + 20);
  });

  it('logs a step that throws and keeps ticking', () => {
    let n = 0;
    const { clock, logger, tick } = loop(10, () => {
      if (++n === 2) throw new Error('system bug');
    });
    tick.start();
    clock.advance(500);
    expect(tick.stats().ticks).toBe(5);
    expect(tick.stats().errors).toBe(1);
    expect(logger.at('error')[0]?.message).toBe('tick step failed');
  });

  it('refuses a rate or a catch-up bound out of range', () => {
    expect(() => loop(0, () => undefined)).toThrow(RangeError);
    expect(() => loop(5_000, () => undefined)).toThrow(RangeError);
    expect(() => loop(10, () => undefined, 0.5)).toThrow(RangeError);
  });
});

describe('TickLoop observed', () => {
  it('tells its observer how long each step took and whether it overran', () => {
    const clock = new ManualClock();
    const seen: [number, boolean][] = [];
    let steps = 0;
    const tick = new TickLoop({
      clock,
      logger: new MemoryLogger(),
      hz: 10,
      // The second step takes 150 ms: more than its 100 ms interval.
      step: () => void (++steps === 2 && clock.advance(150)),
      onStep: (tookMs, overran) => void seen.push([tookMs, overran]),
    });
    tick.start();
    clock.advance(200);
    expect(seen).toEqual([
      [0, false],
      [150, true],
    ]);
    expect(tick.stats().overruns).toBe(1);
  });
});

describe('TickLoop restarted from inside a step', () => {
  it('keeps one timer and its normal rate', () => {
    let restarted = false;
    const { clock, tick } = loop(10, () => {
      if (!restarted) {
        restarted = true;
        tick.stop();
        tick.start();
      }
    });
    tick.start();
    clock.advance(100);
    expect(clock.pendingCount).toBe(1);
    clock.advance(1_000);
    expect(tick.stats().ticks).toBe(11);
  });
});
