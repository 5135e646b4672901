/**
 * The client transports for Node: TCP (node:net), WebSocket (`ws`) and KCP (engine/net/kcp). An
 * endpoint that is not `host:port` (TCP, KCP) or a `ws://`/`wss://` URL is refused with
 * ClientError CLIENT_ERR_INVALID_ENDPOINT before any socket opens.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { connectKcp } from '../engine/net/kcp/udp-kcp.js';
import { KCP_PRESETS } from '../engine/net/kcp/kcp-options.js';
import { SystemClock } from '../engine/timer/clock.js';
import { createTimerService } from '../engine/timer/timer-service.js';
import { checkWebSocketUrl, parseHostPort } from './client-inputs.js';
import { createQuietLogger } from './quiet-logger.js';
import type { ClientPipe, ClientTransportEvents, ClientTransportFactory, ClientTransportKind } from './client-transport.js';

/** Settings of {@link createTcpTransport}. */
export interface TcpTransportOptions {
  /** The local address to connect from (default: the one the system picks). */
  localAddress?: string;
}

/** TCP: the protocol's byte stream on a socket, from `options.localAddress` when given. */
export function createTcpTransport(options: TcpTransportOptions = {}): ClientTransportFactory {
  return (endpoint, events) =>
    new Promise((resolve, reject) => {
      const { host, port } = parseHostPort(endpoint);
      const socket = connect({ host, port, localAddress: options.localAddress, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => socket.destroy());
        socket.on('data', (chunk) => events.onData(chunk));
        socket.on('close', () => events.onClose('socket closed'));
        resolve({ write: (bytes) => void socket.write(bytes), close: () => socket.end() });
      });
    });
}

/** TCP: the protocol's byte stream on a socket. */
export const tcpTransport: ClientTransportFactory = createTcpTransport();

/** WebSocket: binary messages carrying whole packets. */
export const wsTransport: ClientTransportFactory = (endpoint, events) =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(checkWebSocketUrl(endpoint), { perMessageDeflate: false });
    socket.binaryType = 'nodebuffer';
    socket.once('error', reject);
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => socket.terminate());
      socket.on('message', (data) => events.onData(Array.isArray(data) ? Buffer.concat(data) : new Uint8Array(data as Buffer)));
      socket.on('close', () => events.onClose('websocket closed'));
      resolve({ write: (bytes) => socket.readyState === socket.OPEN && socket.send(bytes), close: () => socket.close(1000) });
    });
  });

/**
 * KCP: reliable UDP, one KCP message per write. Closing ends the session gracefully (see
 * `KcpSession.end`), so that the gate reads the client's last packet.
 */
export const kcpTransport: ClientTransportFactory = async (endpoint, events) => {
  const { host, port } = parseHostPort(endpoint);
  const clock = new SystemClock();
  const timers = createTimerService({ clock, logger: createQuietLogger() });
  const client = await connectKcp(host, port, { clock, timers, kcp: { ...KCP_PRESETS.fast } }).catch((err: unknown) => {
    timers.stop();
    throw err;
  });
  const session = client.session;
  session.onMessage = (message) => events.onData(message);
  session.onClose = (reason) => {
    events.onClose(`kcp closed: ${String(reason)}`);
    void client.close().finally(() => timers.stop());
  };
  // Closing lingers until the gate acks what was written last (the logout's KICK), within bounds.
  const pipe: ClientPipe = { write: (bytes) => session.send(bytes), close: () => session.end(clock.now()) };
  return pipe;
};

/** The Node transport for a kind. */
export function nodeTransport(kind: ClientTransportKind): ClientTransportFactory {
  return kind === 'tcp' ? tcpTransport : kind === 'ws' ? wsTransport : kcpTransport;
}

export type { ClientTransportEvents };
