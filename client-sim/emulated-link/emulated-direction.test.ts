import { describe, expect, it } from 'vitest';
import { LinkEmulator } from '../../engine/net/emulator/link-emulator.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import { EmulatedDirection } from './emulated-direction.js';

function setup(options: ConstructorParameters<typeof LinkEmulator>[0]) {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const start = clock.now();
  const arrivals: Array<{ at: number; bytes: number[] }> = [];
  const direction = new EmulatedDirection(new LinkEmulator(options), timers, clock, (datagram) => arrivals.push({ at: clock.now() - start, bytes: [...datagram] }));
  return { clock, timers, direction, arrivals };
}

describe('EmulatedDirection', () => {
  it('delivers each datagram once its delay has passed on the clock, not before', () => {
    const { clock, direction, arrivals } = setup({ seed: 1, latencyMs: 150 });
    expect(direction.send(Uint8Array.of(1))).toBe(true);
    clock.advance(50);
    expect(direction.send(Uint8Array.of(2))).toBe(true);
    clock.advance(99);
    expect(arrivals).toEqual([]);
    clock.advance(1);
    expect(arrivals).toEqual([{ at: 150, bytes: [1] }]);
    clock.advance(50);
    expect(arrivals).toEqual([
      { at: 150, bytes: [1] },
      { at: 200, bytes: [2] },
    ]);
    expect(direction.inFlight).toBe(0);
  });

  it('keeps one timer at most, however many datagrams are on their way', () => {
    const { clock, timers, direction, arrivals } = setup({ seed: 2, latencyMs: 100, jitterMs: 40 });
    for (let i = 0; i < 100; i++) {
      direction.send(Uint8Array.of(i));
      expect(timers.size).toBe(1);
      clock.advance(1);
    }
    clock.advance(200);
    expect(arrivals).toHaveLength(100);
    expect(timers.size).toBe(0);
  });

  it('reports a datagram the link dropped', () => {
    const { clock, timers, direction, arrivals } = setup({ seed: 3, lossRate: 1 });
    expect(direction.send(Uint8Array.of(1))).toBe(false);
    expect(timers.size).toBe(0);
    clock.advance(1000);
    expect(arrivals).toEqual([]);
  });

  it('drops what is in flight and cancels its timer when closed, and sends nothing after', () => {
    const { clock, timers, direction, arrivals } = setup({ seed: 4, latencyMs: 10 });
    direction.send(Uint8Array.of(1));
    direction.close();
    expect(timers.size).toBe(0);
    expect(direction.send(Uint8Array.of(2))).toBe(false);
    clock.advance(100);
    expect(arrivals).toEqual([]);
  });

  it('stops delivering a batch when a delivery closes it', () => {
    const clock = new ManualClock();
    const timers = new TimerService({ clock, logger: new MemoryLogger() });
    const seen: number[] = [];
    const direction: EmulatedDirection = new EmulatedDirection(new LinkEmulator({ seed: 5, latencyMs: 10 }), timers, clock, (datagram) => {
      seen.push(datagram[0]!);
      direction.close();
    });
    direction.send(Uint8Array.of(1));
    direction.send(Uint8Array.of(2));
    clock.advance(10);
    expect(seen).toEqual([1]);
    expect(timers.size).toBe(0);
  });
});
