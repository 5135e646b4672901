/**
 * The Node transports against real sockets on loopback that fail as a wrong address does: a TCP
 * port with nothing listening, a host name that does not resolve, a UDP port that never answers.
 * Each failure is a ClientError CLIENT_ERR_CONNECT_FAILED naming the likely cause, the socket's
 * error as `cause`.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../engine/testing/free-port.js';
import { ManualClock } from '../engine/timer/clock.js';
import { ClientError } from './errors.js';
import { connectGate } from './node-client.js';
import { createKcpTransport, tcpTransport, wsTransport } from './node-transports.js';

const events = { onData: () => {}, onClose: () => {} };
const gateKey = new Uint8Array(32).fill(9);

async function failureOf(promise: Promise<unknown>): Promise<ClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}

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
    let silent: Socket;
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
