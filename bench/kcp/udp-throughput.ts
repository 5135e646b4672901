/**
 * KCP over real UDP on loopback, in one process: one client session or many push messages to a
 * server as fast as their windows allow, and the server counts what arrives. The baseline sends
 * raw datagrams of the same size from as many sockets, paced the same way, and counts what arrives.
 */
import { createSocket } from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../../engine/log/types.js';
import { KCP_PRESETS } from '../../engine/net/kcp/kcp-options.js';
import { connectKcp, listenKcp } from '../../engine/net/kcp/udp-kcp.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';

const quiet: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => quiet };
/** Bulk transfer on one session: flush every millisecond, windows of 256 segments. */
export const BULK_KCP = { ...KCP_PRESETS.fast, intervalMs: 1, sendWindow: 256, receiveWindow: 256, sendQueueLimit: 4096 };
/** Many sessions at once: the fast preset as it is (10 ms flushes), windows of 32. */
export const MANY_KCP = { ...KCP_PRESETS.fast, sendWindow: 32, receiveWindow: 32, sendQueueLimit: 4096 };
type Settings = typeof BULK_KCP | typeof MANY_KCP;
const CONNECT_BATCH = 100;
const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Delivered bytes and messages per second. */
export interface Throughput {
  bytesPerSecond: number;
  messagesPerSecond: number;
}

/** `sessions` clients each send `perSession` messages of `size` bytes to one server. */
export async function kcpThroughput(sessions: number, perSession: number, size: number, kcp: Settings): Promise<Throughput> {
  const clock = new SystemClock();
  const timers = new TimerService({ clock, logger: quiet });
  let received = 0;
  let bytes = 0;
  const total = sessions * perSession;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = await listenKcp('127.0.0.1', 0, {
    clock,
    timers,
    logger: quiet,
    kcp,
    maxSessions: sessions + 10,
    onSession: (session) => {
      session.onMessage = (m) => {
        received++;
        bytes += m.length;
        if (received === total) done();
      };
    },
  });
  const port = Number(server.address.split(':')[1]);
  const clients = await connectMany(sessions, port, clock, timers, kcp);
  const message = new Uint8Array(size).fill(7);
  const started = performance.now();
  const sent = new Array<number>(sessions).fill(0);
  // Each turn offers at most one socket buffer's worth of datagrams over all sessions, round
  // robin: many sessions blasting their whole windows at once only measure the kernel's drops.
  const turnBudget = 128;
  let next = 0;
  while (sent.some((n) => n < perSession)) {
    let budget = turnBudget;
    for (let visited = 0; visited < sessions && budget > 0; visited++, next = (next + 1) % sessions) {
      const session = clients[next]!.session;
      while (budget > 0 && sent[next]! < perSession && session.waitingToSend < kcp.sendWindow) {
        session.send(message);
        sent[next]!++;
        budget--;
      }
    }
    await yieldTurn();
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  timers.stop();
  return { bytesPerSecond: bytes / seconds, messagesPerSecond: received / seconds };
}

async function connectMany(count: number, port: number, clock: SystemClock, timers: TimerService, kcp: Settings = MANY_KCP) {
  const clients = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => connectKcp('127.0.0.1', port, { clock, timers, kcp }));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** A garbage collector to call between heap readings (exposed at run time when the flag is missing). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The baseline: raw datagrams of `size` bytes from `senders` sockets, `perSender` each. */
export async function rawUdpThroughput(senders: number, perSender: number, size: number): Promise<Throughput> {
  const server = createSocket('udp4');
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  // The same socket buffers as the KCP sockets ask for (udp-kcp.ts), so both lose alike.
  server.setRecvBufferSize(4 * 1024 * 1024);
  const port = server.address().port;
  let received = 0;
  let bytes = 0;
  let last = performance.now();
  server.on('message', (m) => {
    received++;
    bytes += m.length;
    last = performance.now();
  });
  const sockets = await Promise.all(
    Array.from({ length: senders }, async () => {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      socket.setSendBufferSize(4 * 1024 * 1024);
      return socket;
    }),
  );
  const datagram = new Uint8Array(size).fill(7);
  const started = performance.now();
  // Paced like the KCP senders: a window of datagrams per socket per turn, so the kernel keeps up.
  const burst = Math.max(1, Math.floor(256 / senders));
  for (let sent = 0; sent < perSender; sent += burst) {
    for (const socket of sockets) for (let k = 0; k < burst && sent + k < perSender; k++) socket.send(datagram, port, '127.0.0.1');
    await yieldTurn();
  }
  // Wait until nothing more arrives for a moment.
  while (performance.now() - last < 50) await new Promise((resolve) => setTimeout(resolve, 10));
  const seconds = (last - started) / 1000;
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { bytesPerSecond: bytes / seconds, messagesPerSecond: received / seconds };
}

/** Heap bytes per idle connected session, server and client side together. */
export async function idleSessionBytes(sessions: number): Promise<number> {
  const clock = new SystemClock();
  const timers = new TimerService({ clock, logger: quiet });
  const server = await listenKcp('127.0.0.1', 0, { clock, timers, logger: quiet, maxSessions: sessions + 10, onSession: () => {} });
  const port = Number(server.address.split(':')[1]);
  const gc = collector();
  gc();
  const before = process.memoryUsage().heapUsed;
  const clients = await connectMany(sessions, port, clock, timers);
  gc();
  const after = process.memoryUsage().heapUsed;
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  timers.stop();
  return (after - before) / sessions;
}
