import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { TimerService } from '../timer/timer-service.js';
import { CallDeadlines, type Deadlined, type Lane } from './call-deadlines.js';

class Call implements Deadlined {
  deadline = 0;
  settled = false;
  lane: Lane | undefined = undefined;
  constructor(readonly name: string) {}
}

function setup() {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const expired: string[] = [];
  const deadlines = new CallDeadlines<Call>(clock, timers, (call) => expired.push(call.name));
  return { clock, timers, expired, deadlines };
}

describe('CallDeadlines', () => {
  it('expires unsettled calls at their deadlines, in order, whatever their timeouts', () => {
    const { clock, expired, deadlines } = setup();
    deadlines.track(new Call('a-100'), 100);
    clock.advance(10);
    deadlines.track(new Call('b-50'), 50);
    deadlines.track(new Call('c-100'), 100);
    clock.advance(49);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual(['b-50']);
    clock.advance(40);
    expect(expired).toEqual(['b-50', 'a-100']);
    clock.advance(10);
    expect(expired).toEqual(['b-50', 'a-100', 'c-100']);
  });

  it('never expires a settled call and marks expired ones settled', () => {
    const { clock, expired, deadlines } = setup();
    const kept = new Call('kept');
    const dropped = new Call('dropped');
    deadlines.track(kept, 100);
    deadlines.track(dropped, 100);
    deadlines.settle(kept);
    clock.advance(100);
    expect(expired).toEqual(['dropped']);
    expect(dropped.settled).toBe(true);
  });

  it('keeps one timer per distinct timeout and none once every call is settled', () => {
    const { clock, timers, deadlines } = setup();
    const calls = Array.from({ length: 5_000 }, (_, i) => new Call(String(i)));
    for (const call of calls) deadlines.track(call, 1_000);
    expect(timers.size).toBe(1);
    for (const call of calls) deadlines.settle(call);
    clock.advance(1_000);
    expect(timers.size).toBe(0);
  });

  it('compacts a lane when settled calls pile up, so memory follows the live calls', () => {
    const { clock, expired, deadlines } = setup();
    const calls = Array.from({ length: 10_000 }, (_, i) => new Call(String(i)));
    for (const call of calls) deadlines.track(call, 1_000);
    for (const call of calls.slice(0, 9_990)) deadlines.settle(call);
    const lane = calls[9_999]!.lane!;
    expect(lane.calls.length - lane.head).toBeLessThan(4_000);
    clock.advance(1_000);
    expect(expired).toEqual(calls.slice(9_990).map((c) => c.name));
  });

  it('forgets everything on clear', () => {
    const { clock, timers, expired, deadlines } = setup();
    deadlines.track(new Call('x'), 10);
    deadlines.clear();
    clock.advance(100);
    expect(expired).toEqual([]);
    expect(timers.size).toBe(0);
  });
});
