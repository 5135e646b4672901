/**
 * The WebSocket acceptor on a real port, sharing one set of connection counters with a TCP
 * acceptor as the gate does: a socket counts from its TCP accept, before any upgrade.
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

function open(endpoint: string): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const url = /^(?:ws:\/\/)?([^:/]+):(\d+)/.exec(endpoint)!;
  const socket = connect({ host: url[1]!, port: Number(url[2]) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
  return new Promise((resolve) => socket.once('connect', () => resolve({ socket, closed })));
}

describe('WsAcceptor', () => {
  const timers = new TimerService({ clock, logger });
  const acceptors: { close(): Promise<void> }[] = [];

  afterEach(async () => {
    await Promise.all(acceptors.splice(0).map((a) => a.close()));
  });
  afterAll(() => timers.stop());

  it('counts a socket against maxConnections from its TCP accept, before any upgrade, and frees its place when it closes', async () => {
    const admission = new ConnectionAdmission({ maxConnections: 3, maxPending: 100, maxPendingPerAddress: 100, clock, logger });
    const hooks: AcceptorHooks = { admit: (remote) => admission.admit(remote), accept: () => ({ onData: () => undefined, onClose: () => undefined }) };
    const ws = new WsAcceptor({ host: '127.0.0.1', port: 0, path: '/', maxMessageBytes: 1_024, handshakeTimeoutMs: 60_000, timers, logger });
    const tcp = new TcpAcceptor('127.0.0.1', 0, logger);
    acceptors.push(ws, tcp);
    await ws.listen(hooks);
    await tcp.listen(hooks);

    const idle = await Promise.all([open(ws.endpoint), open(ws.endpoint), open(ws.endpoint)]);
    await expect.poll(() => admission.connections).toBe(3);
    const refused = await open(tcp.endpoint);
    const reply = await refused.closed;
    expect(reply[0]).toBe(PACKET.KICK);
    expect(decodeKick(reply.subarray(4))).toMatchObject({ code: 4109, name: 'GATE_ERR_FULL' });
    expect((await (await open(ws.endpoint)).closed).toString()).toMatch(/^HTTP\/1\.1 503 [^]*GATE_ERR_FULL/);

    idle[0]!.socket.destroy();
    await expect.poll(() => admission.connections).toBe(2);
    const admitted = await open(tcp.endpoint);
    await expect.poll(() => admission.connections).toBe(3);
    admitted.socket.destroy();
    for (const { socket } of idle) socket.destroy();
    await expect.poll(() => admission.connections).toBe(0);
  });

  it('answers a request that is not an upgrade with 426 and closes it', async () => {
    const admission = new ConnectionAdmission({ maxConnections: 10, maxPending: 10, maxPendingPerAddress: 10, clock, logger });
    const ws = new WsAcceptor({ host: '127.0.0.1', port: 0, path: '/', maxMessageBytes: 1_024, handshakeTimeoutMs: 60_000, timers, logger });
    acceptors.push(ws);
    await ws.listen({ admit: (remote) => admission.admit(remote), accept: () => ({ onData: () => undefined, onClose: () => undefined }) });
    const plain = await open(ws.endpoint);
    plain.socket.write('GET / HTTP/1.1\r\nHost: gate\r\n\r\n');
    expect((await plain.closed).toString()).toMatch(/^HTTP\/1\.1 426/);
    await expect.poll(() => admission.connections).toBe(0);
  });
});
