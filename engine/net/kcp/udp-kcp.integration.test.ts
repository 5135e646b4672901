import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../testing/memory-logger.js';
import { SystemClock } from '../../timer/clock.js';
import { TimerService } from '../../timer/timer-service.js';
import { KCP_PRESETS } from './kcp-options.js';
import { connectKcp, listenKcp, type UdpKcpClient, type UdpKcpServer } from './udp-kcp.js';

const clock = new SystemClock();
const logger = new MemoryLogger();
const timers = new TimerService({ clock, logger });
let server: UdpKcpServer | undefined;
const clients: UdpKcpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

describe('KCP over real UDP on loopback', () => {
  it('connects several clients to one socket and echoes large and small messages in order', async () => {
    server = await listenKcp('127.0.0.1', 0, {
      clock,
      timers,
      logger,
      kcp: KCP_PRESETS.fast,
      onSession: (session) => {
        session.onMessage = (message) => session.send(message);
      },
    });
    const port = Number(server.address.split(':')[1]);
    for (let i = 0; i < 5; i++) clients.push(await connectKcp('127.0.0.1', port, { clock, timers, kcp: KCP_PRESETS.fast }));
    const expected = clients.map((_, i) => [new Uint8Array([i]), new Uint8Array(50_000).fill(i), new Uint8Array([i, i])]);
    const got = await Promise.all(
      clients.map(
        (c, i) =>
          new Promise<Uint8Array[]>((resolve) => {
            const messages: Uint8Array[] = [];
            c.session.onMessage = (m) => {
              messages.push(m);
              if (messages.length === expected[i]!.length) resolve(messages);
            };
            for (const m of expected[i]!) c.session.send(m);
          }),
      ),
    );
    expect(got).toEqual(expected);
    expect(server.server.stats().sessions).toBe(5);
    expect(new Set(clients.map((c) => c.session.conv)).size).toBe(5);
  });

  it('ends the server side of a session when the client closes it', async () => {
    let closed: (reason: number) => void = () => {};
    const serverClosed = new Promise<number>((resolve) => (closed = resolve));
    server = await listenKcp('127.0.0.1', 0, {
      clock,
      timers,
      logger,
      onSession: (session) => {
        session.onClose = closed;
      },
    });
    const client = await connectKcp('127.0.0.1', Number(server.address.split(':')[1]), { clock, timers });
    await client.close();
    expect(await serverClosed).toBe(0);
  });
});
