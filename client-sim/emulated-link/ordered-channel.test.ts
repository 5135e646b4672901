import { describe, expect, it } from 'vitest';
import { LinkEmulator, MAX_DATAGRAM_BYTES } from '../../engine/net/emulator/link-emulator.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import { EmulatedDirection } from './emulated-direction.js';
import { OrderedChannel } from './ordered-channel.js';

function setup(options: Omit<ConstructorParameters<typeof LinkEmulator>[0], 'seed' | 'preserveOrder'>) {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const messages: Uint8Array[] = [];
  const ends: number[] = [];
  const start = clock.now();
  const channel = new OrderedChannel((deliver) => new EmulatedDirection(new LinkEmulator({ seed: 7, preserveOrder: true, ...options }), timers, clock, deliver), {
    onMessage: (message) => messages.push(message),
    onEnd: () => ends.push(clock.now() - start),
  });
  return { clock, timers, channel, messages, ends };
}

describe('OrderedChannel', () => {
  it('keeps the order of messages whatever the jitter', () => {
    const { clock, channel, messages } = setup({ latencyMs: 50, jitterMs: 200 });
    for (let i = 0; i < 200; i++) {
      channel.write(Uint8Array.of(i));
      clock.advance(1);
    }
    clock.advance(300);
    expect(messages.map((m) => m[0])).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('carries a message longer than a datagram as several and delivers it whole, between its neighbours', () => {
    const { clock, channel, messages } = setup({ latencyMs: 20 });
    const big = new Uint8Array(MAX_DATAGRAM_BYTES * 2 + 10).map((_, i) => i % 251);
    channel.write(Uint8Array.of(1));
    channel.write(big);
    channel.write(Uint8Array.of(2));
    clock.advance(20);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toEqual(Uint8Array.of(1));
    expect(Buffer.compare(messages[1]!, big)).toBe(0);
    expect(messages[2]).toEqual(Uint8Array.of(2));
  });

  it('delivers the end behind the data sent before it, and nothing written after it', () => {
    const { clock, channel, messages, ends } = setup({ latencyMs: 30, bandwidthBytesPerSecond: 1000 });
    channel.write(new Uint8Array(500)); // half a second on the wire
    expect(channel.end()).toBe(true);
    channel.write(Uint8Array.of(9));
    clock.advance(2000);
    expect(messages).toHaveLength(1);
    expect(ends).toEqual([530]);
  });

  it('sends no empty message, which would read as the end', () => {
    const { clock, channel, messages, ends } = setup({ latencyMs: 5 });
    expect(channel.write(new Uint8Array(0))).toBe(true);
    clock.advance(10);
    expect(messages).toEqual([]);
    expect(ends).toEqual([]);
  });

  it('says so when its direction is full, and delivers nothing once closed', () => {
    const { clock, timers, channel, messages } = setup({ latencyMs: 10, maxInFlightBytes: 1000 });
    expect(channel.write(new Uint8Array(800))).toBe(true);
    expect(channel.write(new Uint8Array(800))).toBe(false);
    channel.close();
    expect(timers.size).toBe(0);
    clock.advance(100);
    expect(messages).toEqual([]);
  });
});
