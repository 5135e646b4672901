/**
 * The Node transports against real sockets on loopback that fail as a wrong address does: a TCP
 * port with nothing listening, a host name that does not resolve, a UDP port that never answers,
 * a TCP listener that never accepts (a black hole, as far as a SYN can tell), a server that takes
 * the connection and never answers the WebSocket upgrade. Each failure is a ClientError
 * CLIENT_ERR_CONNECT_FAILED naming the likely cause, the socket's error as `cause` where there is
 * one. Connect timeouts run on a manual clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../engine/testing/free-port.js';
import { ManualClock } from '../engine/timer/clock.js';
import { ClientError } from './errors.js';
import { failureOf } from './fixtures/failure-of.js';
import { connectGate } from './node-client.js';
import { createKcpTransport, createTcpTransport, createWsTransport, tcpTransport, wsTransport } from './node-transports.js';

const events = { onData: () => {}, onClose: () => {} };
const gateKey = new Uint8Array(32).fill(9);


describe('Node transports that cannot connect', () => {
  it('fail on a TCP port with nothing listening with CLIENT_ERR_CONNECT_FAILED, ECONNREFUSED as cause', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const err = await failureOf(tcpTransport(endpoint, events));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', cause: { code: 'ECONNREFUSED' } });
    expect(err.message).toMatch(new RegExp(`^CLIENT_ERR_CONNECT_FAILED: connection to the gate could not be opened: TCP ${endpoint}: .*ECONNREFUSED.*nothing listens on that port`));
  });

  it('fail a WebSocket to a port with nothing listening the same way', async () => {
    const endpoint = `ws://127.0.0.1:${await freePort()}/`;
    const err = await failureOf(wsTransport(endpoint, events));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', cause: { code: 'ECONNREFUSED' } });
    expect(err.detail).toMatch(/^WebSocket ws:\/\/127\.0\.0\.1:\d+\/: .*nothing listens on that port/);
  });

  it('fail on a host name that does not resolve, saying so', async () => {
    const err = await failureOf(tcpTransport('gate.invalid:3010', events));
    expect(err.code).toBe('CLIENT_ERR_CONNECT_FAILED');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((err.cause as { code?: string }).code);
    expect(err.detail).toMatch(/host name .*resolve/);
  });

  it('reach the user of connectGate as the same error', async () => {
    const endpoint = `127.0.0.1:${await freePort()}`;
    const err = await failureOf(connectGate({ endpoint, transport: 'tcp', gateKey }));
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', cause: { code: 'ECONNREFUSED' } });
  });

  describe('KCP to a UDP port that never answers', () => {
    let silent: UdpSocket;
    let heard = 0;
    beforeAll(async () => {
      silent = createSocket('udp4');
      silent.on('message', () => heard++); // takes every datagram, answers none
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => silent.close(resolve)));

    it('fails with CLIENT_ERR_CONNECT_FAILED once connectTimeoutMs has passed, naming it', async () => {
      const clock = new ManualClock();
      const endpoint = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
      let settled = false;
      const connecting = failureOf(createKcpTransport({ clock, connectTimeoutMs: 2_000 })(endpoint, events)).finally(() => (settled = true));
      // The socket binds on the event loop; the handshake's timers run on the manual clock.
      let advanced = 0;
      for (let step = 0; step < 10_000 && !settled; step++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!settled) {
          clock.advance(100);
          advanced += 100;
        }
      }
      const err = await connecting;
      expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', cause: { name: 'KcpConnectError' } });
      expect(err.detail).toBe(`KCP ${endpoint}: no answer from the KCP server in time (connectTimeoutMs 2000; check the address and that the gate serves KCP there)`);
      expect(advanced).toBeGreaterThanOrEqual(2_000);
      expect(heard).toBeGreaterThan(0);
    });
  });
});

/** Lets the event loop turn `count` times (timers of the manual clock do not move). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Checks that a connect watched by {@link watch} is still pending 1 ms short of `deadlineMs` on
 * `clock`, and fails at it with CLIENT_ERR_CONNECT_FAILED and `detail`.
 */
async function expectConnectDeadline(clock: ManualClock, outcome: () => unknown, deadlineMs: number, detail: string): Promise<void> {
  clock.advance(deadlineMs - 1);
  await turns(10);
  expect(outcome()).toBeUndefined();
  clock.advance(1);
  await turns(1);
  expect(outcome()).toBeInstanceOf(ClientError);
  expect(outcome()).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', detail });
}

/** TCP sockets this thread holds, as Node counts its handles. */
const tcpSockets = (): number => process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;

/** Records how `promise` settles: undefined while pending, 'open' or the error after. */
function watch(promise: Promise<unknown>): () => unknown {
  let outcome: unknown;
  promise.then(
    () => (outcome = 'open'),
    (err: unknown) => (outcome = err),
  );
  return () => outcome;
}

// Listens with a queue of one on loopback, prints its port, and never accepts: its event loop
// waits on a lock (at most two minutes, so that it cannot outlive a crashed test run).
const NEVER_ACCEPTS = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  require('node:fs').writeSync(1, server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000);
  process.exit(0);
});`;

describe('Node transports that get no answer', () => {
  describe('TCP to a listener whose accept queue is full', () => {
    // Once two connections fill the queue of a listener that never accepts, the kernel drops every
    // further SYN, as a black hole does: a connect would wait for the system's retries (minutes).
    let listener: ChildProcess;
    let port: number;
    const fillers: Socket[] = [];
    beforeAll(async () => {
      listener = spawn(process.execPath, ['-e', NEVER_ACCEPTS], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      for await (const chunk of listener.stdout!) {
        out += String(chunk);
        if (out.includes('\n')) break;
      }
      port = Number(out.trim());
      for (let i = 0; i < 2; i++) {
        const filler = connect({ host: '127.0.0.1', port });
        fillers.push(filler);
        await once(filler, 'connect');
      }
    });
    afterAll(() => {
      for (const filler of fillers) filler.destroy();
      listener.kill('SIGKILL');
    });

    it('fails with CLIENT_ERR_CONNECT_FAILED at the default connectTimeoutMs of 10,000 ms, naming it, and destroys the socket', async () => {
      const clock = new ManualClock();
      const endpoint = `127.0.0.1:${port}`;
      const before = tcpSockets();
      const outcome = watch(createTcpTransport({ clock })(endpoint, events));
      await turns(10);
      expect(tcpSockets()).toBe(before + 1);
      await expectConnectDeadline(clock, outcome, 10_000, `TCP ${endpoint}: not open within connectTimeoutMs 10000 (no answer from the host; check the address and the network)`);
      for (let i = 0; i < 100 && tcpSockets() > before; i++) await turns(1);
      expect(tcpSockets()).toBe(before);
    });
  });

  describe('WebSocket to a server that takes the connection and never answers the upgrade', () => {
    let server: Server;
    let endpoint: string;
    const accepted: Socket[] = [];
    beforeAll(async () => {
      server = createServer((socket) => accepted.push(socket));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      endpoint = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      for (const socket of accepted) socket.destroy();
      server.close();
      await once(server, 'close');
    });

    /** The next connection's socket, once its upgrade request has arrived, with that request. */
    const nextUpgrade = (): Promise<{ socket: Socket; request: string }> =>
      new Promise((resolve) => server.once('connection', (socket: Socket) => socket.once('data', (data) => resolve({ socket, request: String(data) }))));

    it('fails with CLIENT_ERR_CONNECT_FAILED once connectTimeoutMs has passed, naming it, and closes the connection', async () => {
      const clock = new ManualClock();
      const upgrade = nextUpgrade();
      const outcome = watch(createWsTransport({ clock, connectTimeoutMs: 3_000 })(endpoint, events));
      const { socket, request } = await upgrade;
      expect(request).toMatch(/^GET \/ HTTP\/1\.1\r\n[\s\S]*upgrade: websocket/i);
      const closed = once(socket, 'close');
      await expectConnectDeadline(
        clock,
        outcome,
        3_000,
        `WebSocket ${endpoint}: not open within connectTimeoutMs 3000 (no answer to the upgrade; check the address, and that it is the gate's WebSocket port)`,
      );
      await closed;
      expect(socket.destroyed).toBe(true);
    });

    it('is bounded by the connectTimeoutMs that connectGate is given, on its clock', async () => {
      const clock = new ManualClock();
      const upgrade = nextUpgrade();
      const connecting = failureOf(connectGate({ endpoint, transport: 'ws', gateKey, clock, connectTimeoutMs: 2_000 }));
      await upgrade;
      clock.advance(2_000);
      const err = await connecting;
      expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED', detail: expect.stringMatching(/^WebSocket .*: not open within connectTimeoutMs 2000 /) });
    });
  });
});
