/**
 * The UDP relay on real loopback sockets: a client socket, the relay, and a server socket that
 * echoes. The link's time is a manual clock, advanced in steps between turns of the event loop.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLinkPair, type LinkPairOptions } from '../../engine/net/emulator/link-pair.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import { parseHostPort } from '../client-inputs.js';
import { openUdpRelay, type UdpRelay } from './udp-relay.js';

const sockets: Socket[] = [];
const relays: UdpRelay[] = [];

afterEach(async () => {
  for (const relay of relays.splice(0)) relay.close();
  await Promise.all(sockets.splice(0).map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
});

async function bound(onMessage: (datagram: Buffer, socket: Socket, from: AddressInfo) => void): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (datagram, from) => onMessage(datagram, socket, from));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  sockets.push(socket);
  return socket;
}

async function setup(options: Omit<LinkPairOptions, 'seed'>) {
  const clock = new ManualClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  const atServer: string[] = [];
  const server = await bound((datagram, socket, from) => {
    atServer.push(datagram.toString());
    socket.send(datagram, from.port, from.address);
  });
  const link = createLinkPair({ seed: 21, ...options });
  const relay = await openUdpRelay(`127.0.0.1:${(server.address() as AddressInfo).port}`, link, { timers, clock });
  relays.push(relay);
  const atClient: string[] = [];
  const client = await bound((datagram) => atClient.push(datagram.toString()));
  const { host, port } = parseHostPort(relay.endpoint);
  const send = (text: string, from = client): void => void from.send(text, port, host);
  /** Advances the clock in 10 ms steps, letting the sockets run between, until `done`; returns how far. */
  const advanceUntil = async (done: () => boolean, limitMs = 10_000): Promise<number> => {
    let advanced = 0;
    while (!done() && advanced < limitMs) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done()) break;
      clock.advance(10);
      advanced += 10;
    }
    return advanced;
  };
  return { clock, timers, link, relay, atServer, atClient, send, advanceUntil, bound };
}

describe('openUdpRelay', () => {
  it('carries datagrams to the target and back, each way after the latency', async () => {
    const { relay, atServer, atClient, send, advanceUntil } = await setup({ latencyMs: 100 });
    expect(relay.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    send('ping');
    const advanced = await advanceUntil(() => atClient.length > 0);
    expect(atServer).toEqual(['ping']);
    expect(atClient).toEqual(['ping']);
    expect(advanced).toBeGreaterThanOrEqual(200);
  });

  it('drops what the link loses', async () => {
    const { link, atServer, atClient, send, advanceUntil } = await setup({ latencyMs: 10, bToA: { lossRate: 1 } });
    send('one');
    await advanceUntil(() => link.bToA.stats.sent === 1);
    await advanceUntil(() => false, 200);
    expect(atServer).toEqual(['one']);
    expect(link.bToA.stats.lost).toBe(1);
    expect(atClient).toEqual([]);
  });

  it('relays only the first peer that sent to it', async () => {
    const { link, atServer, send, advanceUntil } = await setup({ latencyMs: 10 });
    const stranger = await bound(() => {});
    send('first');
    await advanceUntil(() => link.aToB.stats.sent === 1);
    send('stranger', stranger);
    send('second');
    await advanceUntil(() => link.aToB.stats.sent === 2);
    await advanceUntil(() => atServer.length === 2);
    expect(atServer).toEqual(['first', 'second']);
  });

  it('closes its socket once it has lingered, and leaves no timer', async () => {
    const { clock, timers, relay, atClient, send, advanceUntil } = await setup({ latencyMs: 10 });
    let closed = false;
    void relay.closed.then(() => (closed = true));
    relay.close(60_000);
    relay.close(); // a second call changes nothing
    send('still relayed');
    await advanceUntil(() => atClient.length > 0);
    expect(atClient).toEqual(['still relayed']);
    expect(closed).toBe(false);
    clock.advance(60_000);
    await relay.closed;
    expect(closed).toBe(true);
    expect(timers.size).toBe(0);
  });
});
