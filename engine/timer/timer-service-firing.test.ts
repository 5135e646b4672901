import { describe, expect, it } from 'vitest';
import type { Logger, LogMeta } from '../log/types.js';
import { ManualClock, type Clock, type ClockTimer } from './clock.js';
import { createTimerService, type TimerService } from './timer-service.js';

interface LogLine {
  level: string;
  message: string;
  meta: LogMeta | undefined;
}

/** A Logger that keeps every line for assertions. */
class CapturingLogger implements Logger {
  readonly lines: LogLine[] = [];
  error(message: string, meta?: LogMeta): void {
    this.lines.push({ level: 'error', message, meta });
  }
  warn(message: string, meta?: LogMeta): void {
    this.lines.push({ level: 'warn', message, meta });
  }
  info(message: string, meta?: LogMeta): void {
    this.lines.push({ level: 'info', message, meta });
  }
  debug(message: string, meta?: LogMeta): void {
    this.lines.push({ level: 'debug', message, meta });
  }
  child(): Logger {
    return this;
  }
}

/**
 * Behaves like real time after the process stalled: `stall(ms)` moves time forward in one jump and
 * only then runs the timers that came due, once each, late (ManualClock would step through them).
 */
class StallingClock implements Clock {
  private current = 0;
  private pending = new Set<{ at: number; callback: () => void }>();
  now(): number {
    return this.current;
  }
  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer = { at: this.current + Math.max(0, delayMs), callback };
    this.pending.add(timer);
    return timer as unknown as ClockTimer;
  }
  clearTimer(timer: ClockTimer): void {
    this.pending.delete(timer as unknown as { at: number; callback: () => void });
  }
  stall(ms: number): void {
    this.current += ms;
    for (const timer of [...this.pending]) {
      if (timer.at > this.current) continue;
      this.pending.delete(timer);
      timer.callback();
    }
  }
}

function setup<C extends Clock>(clock: C): { clock: C; logger: CapturingLogger; timers: TimerService } {
  const logger = new CapturingLogger();
  return { clock, logger, timers: createTimerService({ clock, logger }) };
}

describe('TimerService firing', () => {
  it('lets a callback cancel another timer due in the same pass, which then does not fire', () => {
    const { clock, timers } = setup(new ManualClock(0));
    const fired: string[] = [];
    let victim = 0;
    timers.once(10, () => {
      fired.push('first');
      expect(timers.cancel(victim)).toBe(true);
    });
    victim = timers.once(10, () => void fired.push('victim'));
    timers.once(10, () => void fired.push('third'));
    clock.advance(10);
    expect(fired).toEqual(['first', 'third']);
  });

  it('lets a repeat cancel itself from its own callback', () => {
    const { clock, timers } = setup(new ManualClock(0));
    let count = 0;
    const id = timers.repeat(10, (f) => {
      count = f.count;
      if (f.count === 2) timers.cancel(f.id);
    });
    clock.advance(100);
    expect(count).toBe(2);
    expect(timers.has(id)).toBe(false);
  });

  it('fires a zero-delay timer scheduled during a pass at the next wake-up, not in the same pass', () => {
    const { clock, timers } = setup(new StallingClock());
    const fired: string[] = [];
    const again = (): void => {
      fired.push('again');
      timers.once(0, again);
    };
    timers.once(5, () => {
      fired.push('first');
      timers.once(0, again);
    });
    clock.stall(5);
    expect(fired).toEqual(['first']);
    clock.stall(0);
    expect(fired).toEqual(['first', 'again']);
    expect(timers.size).toBe(1);
  });

  it('logs a throwing callback and a rejecting async callback, and still fires the others', async () => {
    const { clock, logger, timers } = setup(new ManualClock(0));
    const fired: string[] = [];
    const boom = new Error('boom');
    const rejection = new Error('rejected');
    const syncId = timers.once(10, () => {
      throw boom;
    }, { key: 'k' });
    const asyncId = timers.once(10, async () => {
      await Promise.resolve();
      throw rejection;
    });
    timers.once(10, () => void fired.push('after'));
    timers.repeat(10, () => void fired.push('repeat'), { times: 2 });
    clock.advance(20);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fired).toEqual(['after', 'repeat', 'repeat']);
    expect(logger.lines).toEqual([
      { level: 'error', message: 'timer callback failed', meta: { err: boom, timerId: syncId, key: 'k' } },
      { level: 'error', message: 'timer callback failed', meta: { err: rejection, timerId: asyncId, key: undefined } },
    ]);
  });

  it('after a stall fires a missed repeat once and resumes one interval later, without a burst', () => {
    const { clock, timers } = setup(new StallingClock());
    const at: number[] = [];
    timers.repeat(1000, () => void at.push(clock.now()));
    clock.stall(5500);
    expect(at).toEqual([5500]);
    clock.stall(999);
    expect(at).toEqual([5500]);
    clock.stall(1);
    expect(at).toEqual([5500, 6500]);
  });

  it('keeps repeat deadlines on the original grid when a wake-up is late by less than an interval', () => {
    const { clock, timers } = setup(new StallingClock());
    const at: number[] = [];
    timers.repeat(1000, () => void at.push(clock.now()));
    clock.stall(1300);
    clock.stall(700);
    clock.stall(1000);
    expect(at).toEqual([1300, 2000, 3000]);
  });

  it('stops from inside a callback without firing the rest of the pass', () => {
    const { clock, timers } = setup(new ManualClock(0));
    const fired: string[] = [];
    timers.once(10, () => {
      fired.push('stopper');
      timers.stop();
    });
    timers.once(10, () => void fired.push('never'));
    clock.advance(100);
    expect(fired).toEqual(['stopper']);
    expect(clock.pendingCount).toBe(0);
  });

  it('keeps the remaining due timers scheduled even when the logger itself throws', () => {
    const clock = new ManualClock(0);
    const logger = new CapturingLogger();
    logger.error = () => {
      throw new Error('log sink down');
    };
    const timers = createTimerService({ clock, logger });
    const fired: string[] = [];
    timers.once(10, () => {
      throw new Error('boom');
    });
    timers.once(10, () => void fired.push('second'));
    expect(() => clock.advance(10)).toThrow(/log sink down/);
    expect(fired).toEqual([]);
    clock.advance(0);
    expect(fired).toEqual(['second']);
  });
});

