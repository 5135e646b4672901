/**
 * The gate's per-address pending cap on real sockets of a dual-stack listener (`::`), as a gate
 * with `gate.host: '::'` runs: IPv4 peers arrive as IPv4-mapped IPv6 addresses and must still count
 * one by one, and an IPv6 peer counts under its /64, whichever transport it uses. Two addresses of
 * one /64 need addresses a test machine does not have (only `::1` is loopback), so that case is
 * shown by connection-admission.test.ts.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PACKET } from '../engine/protocol/constants.js';
import { decodeKick } from '../engine/protocol/kick.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import type { AcceptorHooks } from './client-transport.js';
import { ConnectionAdmission } from './connection-admission.js';
import { TcpAcceptor } from './tcp-acceptor.js';
import { WsAcceptor } from './ws-acceptor.js';

const clock = new SystemClock();
const logger = new MemoryLogger();

interface Opened {
  socket: Socket;
  closed: Promise<Buffer>;
}

// A raw socket to `endpoint`'s port on `host`, from `localAddress` when given.
function open(endpoint: string, host: string, localAddress?: string): Promise<Opened> {
  const port = Number(/:(\d+)\/?$/.exec(endpoint)![1]);
  const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
  return new Promise((resolve) => socket.once('connect', () => resolve({ socket, closed })));
}

describe('ConnectionAdmission on a dual-stack listener', () => {
  const timers = new TimerService({ clock, logger });
  const acceptors: { close(): Promise<void> }[] = [];
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(acceptors.splice(0).map((a) => a.close()));
  });
  afterAll(() => timers.stop());

  it('counts IPv4 peers one by one and an IPv6 peer under its /64, across TCP and WebSocket', async () => {
    const admission = new ConnectionAdmission({ maxConnections: 100, maxPending: 100, maxPendingPerAddress: 1, clock, logger });
    const hooks: AcceptorHooks = { admit: (remote) => admission.admit(remote), accept: () => ({ onData: () => undefined, onClose: () => undefined }) };
    const tcp = new TcpAcceptor('::', 0, logger);
    const ws = new WsAcceptor({ host: '::', port: 0, path: '/', maxMessageBytes: 1_024, handshakeTimeoutMs: 60_000, timers, logger });
    acceptors.push(tcp, ws);
    await tcp.listen(hooks);
    await ws.listen(hooks);

    sockets.push((await open(tcp.endpoint, '127.0.0.1')).socket);
    sockets.push((await open(ws.endpoint, '127.0.0.1', '127.0.0.2')).socket);
    sockets.push((await open(tcp.endpoint, '::1')).socket);
    await expect.poll(() => admission.connections).toBe(3);
    expect([admission.pendingFrom('127.0.0.1:1'), admission.pendingFrom('::ffff:127.0.0.2:1'), admission.pendingFrom('::1:1')]).toEqual([1, 1, 1]);
    // Another address of ::1's /64 is counted with it.
    expect(admission.pendingFrom('[::2]:1')).toBe(1);

    const refusedV4 = await open(ws.endpoint, '127.0.0.1');
    expect((await refusedV4.closed).toString()).toMatch(/^HTTP\/1\.1 503 [^]*GATE_ERR_TOO_MANY_HANDSHAKES/);
    const refusedV6 = await open(tcp.endpoint, '::1');
    const kick = await refusedV6.closed;
    expect(kick[0]).toBe(PACKET.KICK);
    expect(decodeKick(kick.subarray(4))).toMatchObject({ name: 'GATE_ERR_TOO_MANY_HANDSHAKES' });
    expect(admission.connections).toBe(3);
    expect(logger.at('warn')[0]).toMatchObject({ meta: { reason: 'pendingPerAddress', from: '::ffff:127.0.0.1', countedAs: '127.0.0.1' } });
  });
});
