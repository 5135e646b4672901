import { describe, expect, it } from 'vitest';
import { createLinkPair, type LinkPairOptions } from '../../engine/net/emulator/link-pair.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import type { ClientTransportEvents, ClientTransportFactory } from '../client-transport.js';
import { EmulatedDirection } from './emulated-direction.js';
import { openOrderedLink } from './ordered-link.js';

/** An in-memory connection: what the client writes lands in `written`; `server` plays the socket's side. */
function memoryTransport() {
  const state = { written: [] as number[][], closedByClient: 0, server: undefined as ClientTransportEvents | undefined };
  const factory: ClientTransportFactory = async (_endpoint, events) => {
    state.server = events;
    return { write: (bytes) => void state.written.push([...bytes]), close: () => void state.closedByClient++ };
  };
  return { state, factory };
}

async function setup(options: Omit<LinkPairOptions, 'seed' | 'preserveOrder'>) {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const link = createLinkPair({ seed: 11, preserveOrder: true, ...options });
  const { state, factory } = memoryTransport();
  const received: number[][] = [];
  const closes: string[] = [];
  const pipe = await openOrderedLink(
    factory,
    'gate:1',
    { onData: (bytes) => received.push([...bytes]), onClose: (reason) => closes.push(reason) },
    {
      up: (deliver) => new EmulatedDirection(link.aToB, timers, clock, deliver),
      down: (deliver) => new EmulatedDirection(link.bToA, timers, clock, deliver),
    },
  );
  return { clock, timers, state, pipe, received, closes };
}

describe('openOrderedLink', () => {
  it('delays what the client writes and what the server sends by the latency each way', async () => {
    const { clock, state, pipe, received } = await setup({ latencyMs: 100 });
    pipe.write(Uint8Array.of(1, 2));
    clock.advance(99);
    expect(state.written).toEqual([]);
    clock.advance(1);
    expect(state.written).toEqual([[1, 2]]);
    state.server!.onData(Uint8Array.of(3));
    clock.advance(99);
    expect(received).toEqual([]);
    clock.advance(1);
    expect(received).toEqual([[3]]);
  });

  it('holds each direction to its bandwidth', async () => {
    const { clock, state, pipe } = await setup({ bandwidthBytesPerSecond: 10_000 });
    pipe.write(new Uint8Array(5_000));
    pipe.write(new Uint8Array(5_000));
    clock.advance(499);
    expect(state.written).toHaveLength(0);
    clock.advance(1);
    expect(state.written).toHaveLength(1);
    clock.advance(500);
    expect(state.written).toHaveLength(2);
  });

  it('closes the socket only after what the client wrote before closing has reached it', async () => {
    const { clock, state, pipe } = await setup({ latencyMs: 50 });
    pipe.write(Uint8Array.of(7));
    pipe.close();
    clock.advance(49);
    expect(state.closedByClient).toBe(0);
    clock.advance(1);
    expect(state.written).toEqual([[7]]);
    expect(state.closedByClient).toBe(1);
  });

  it("tells the client of the socket's close after the data in front of it, with the socket's reason, and leaves no timer", async () => {
    const { clock, timers, state, received, closes } = await setup({ latencyMs: 40, jitterMs: 30 });
    state.server!.onData(Uint8Array.of(1));
    state.server!.onClose('socket closed');
    clock.advance(39);
    expect(closes).toEqual([]);
    clock.advance(31);
    expect(received).toEqual([[1]]);
    expect(closes).toEqual(['socket closed']);
    expect(timers.size).toBe(0);
  });

  it('closes the connection, saying why, when the server sends more than the link holds', async () => {
    const { clock, timers, state, received, closes } = await setup({ latencyMs: 10, bandwidthBytesPerSecond: 1_000, maxInFlightBytes: 4_096 });
    state.server!.onData(new Uint8Array(4_000));
    state.server!.onData(new Uint8Array(4_000));
    expect(state.closedByClient).toBe(1);
    expect(closes).toEqual(['emulated link overflowed towards the client: more bytes waiting than it holds']);
    expect(timers.size).toBe(0);
    state.server!.onClose('socket closed');
    clock.advance(10_000);
    expect(received).toEqual([]);
    expect(closes).toHaveLength(1);
  });

  it('closes the connection when the client writes more than the link holds, and takes no more writes', async () => {
    const { clock, state, pipe, closes } = await setup({ bandwidthBytesPerSecond: 1_000, maxInFlightBytes: 4_096 });
    pipe.write(new Uint8Array(4_000));
    pipe.write(new Uint8Array(4_000));
    expect(closes).toEqual(['emulated link overflowed towards the server: more bytes waiting than it holds']);
    pipe.write(Uint8Array.of(1));
    clock.advance(60_000);
    expect(state.written).toEqual([]);
  });
});
