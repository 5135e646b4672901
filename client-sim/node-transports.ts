/**
 * The client transports for Node: TCP (node:net), WebSocket (`ws`) and KCP (engine/net/kcp). An
 * endpoint that is not `host:port` (TCP, KCP) or a `ws://`/`wss://` URL is refused with
 * ClientError CLIENT_ERR_INVALID_ENDPOINT before any socket opens; a connection that cannot be
 * opened fails with CLIENT_ERR_CONNECT_FAILED, naming the likely cause, with the socket's error
 * as `cause`, and so does one not open within `connectTimeoutMs` (default 10 s) on every
 * transport, its socket destroyed.
 */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { KcpConnectError } from '../engine/net/kcp/kcp-client.js';
import { connectKcp } from '../engine/net/kcp/udp-kcp.js';
import { KCP_PRESETS } from '../engine/net/kcp/kcp-options.js';
import { SystemClock, type Clock } from '../engine/timer/clock.js';
import { createTimerService } from '../engine/timer/timer-service.js';
import { checkWebSocketUrl, parseHostPort } from './client-inputs.js';
import { createQuietLogger } from './quiet-logger.js';
import type { ClientPipe, ClientTransportEvents, ClientTransportFactory, ClientTransportKind } from './client-transport.js';
import { ClientError } from './errors.js';

// What a connect error most often means, by Node's error code.
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing listens on that port; check the address and that the gate is running',
  ECONNRESET: 'the peer reset the connection; it may be full, or not a gate',
  ENOTFOUND: 'the host name does not resolve; check the address',
  EAI_AGAIN: 'the host name could not be resolved now (DNS); retry, or check the address',
  ETIMEDOUT: 'no answer from the host; check the address and the network',
  EHOSTUNREACH: 'the host cannot be reached; check the address and the network',
  ENETUNREACH: 'the network cannot be reached; check the address and the network',
  EADDRNOTAVAIL: 'the local address cannot be used; check localAddress',
};

/** The {@link ClientError} for a connection that could not be opened, naming what `err` means. */
function connectFailed(what: string, err: unknown, hintFor: (code: unknown) => string | undefined = (code) => (typeof code === 'string' ? HINTS[code] : undefined)): ClientError {
  const { code, message } = err as { code?: unknown; message?: unknown };
  const hint = hintFor(code);
  return new ClientError('CLIENT_ERR_CONNECT_FAILED', `${what}: ${String(message)}${hint ? ` (${hint})` : ''}`, { cause: err });
}

/** The time a Node transport gives a connection to open, unless told otherwise. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Settings every Node transport takes. */
export interface NodeTransportOptions {
  /**
   * Give up when the connection is not open within this long (default 10,000 ms): on TCP, name
   * resolution and the TCP connect; on WebSocket, those and the HTTP upgrade; on KCP, the KCP
   * handshake.
   */
  connectTimeoutMs?: number;
  /** Time and timers of the transport (default: a {@link SystemClock}). */
  clock?: Clock;
}

/**
 * Starts the connect deadline: after `options.connectTimeoutMs` on `options.clock`, `reject` gets
 * CLIENT_ERR_CONNECT_FAILED naming the timeout and `hint`, and `abandon` destroys the socket.
 * @returns the function that stops the deadline, for when the connection opened or failed first.
 */
function startDeadline(what: string, options: NodeTransportOptions, hint: string, abandon: () => void, reject: (err: ClientError) => void): () => void {
  const clock = options.clock ?? new SystemClock();
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timer = clock.setTimer(() => {
    reject(new ClientError('CLIENT_ERR_CONNECT_FAILED', `${what}: not open within connectTimeoutMs ${timeoutMs} (${hint})`));
    abandon();
  }, timeoutMs);
  return () => clock.clearTimer(timer);
}

/** Settings of {@link createTcpTransport}. */
export interface TcpTransportOptions extends NodeTransportOptions {
  /** The local address to connect from (default: the one the system picks). */
  localAddress?: string;
}

/**
 * TCP: the protocol's byte stream on a socket, from `options.localAddress` when given.
 * Connecting fails with CLIENT_ERR_CONNECT_FAILED, and the socket is destroyed, when it is not
 * open within `options.connectTimeoutMs`: the system's own limit on a host that never answers
 * (a SYN into a black hole, a full listen queue) is minutes.
 */
export function createTcpTransport(options: TcpTransportOptions = {}): ClientTransportFactory {
  return (endpoint, events) =>
    new Promise((resolve, reject) => {
      const { host, port } = parseHostPort(endpoint);
      const socket = connect({ host, port, localAddress: options.localAddress, noDelay: true });
      const stop = startDeadline(`TCP ${endpoint}`, options, 'no answer from the host; check the address and the network', () => socket.destroy(), reject);
      const failed = (err: Error): void => {
        stop();
        reject(connectFailed(`TCP ${endpoint}`, err));
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        stop();
        socket.off('error', failed);
        socket.on('error', () => socket.destroy());
        socket.on('data', (chunk) => events.onData(chunk));
        socket.on('close', () => events.onClose('socket closed'));
        resolve({ write: (bytes) => void socket.write(bytes), close: () => socket.end() });
      });
    });
}

/** TCP with the defaults of {@link createTcpTransport}. */
export const tcpTransport: ClientTransportFactory = createTcpTransport();

/** Settings of {@link createWsTransport}. */
export type WsTransportOptions = NodeTransportOptions;

/**
 * WebSocket: binary messages carrying whole packets. Connecting fails with
 * CLIENT_ERR_CONNECT_FAILED, and the socket is destroyed, when the upgrade has not completed
 * within `options.connectTimeoutMs`: a server that accepts the TCP connection and never answers
 * the upgrade would otherwise hold the connect forever.
 */
export function createWsTransport(options: WsTransportOptions = {}): ClientTransportFactory {
  return (endpoint, events) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(checkWebSocketUrl(endpoint), { perMessageDeflate: false });
      socket.binaryType = 'nodebuffer';
      const hint = "no answer to the upgrade; check the address, and that it is the gate's WebSocket port";
      const stop = startDeadline(`WebSocket ${endpoint}`, options, hint, () => socket.terminate(), reject);
      // An answer other than the upgrade (a 503 from a full gate, a 404 from another server) is an error too.
      const failed = (err: Error): void => {
        stop();
        reject(connectFailed(`WebSocket ${endpoint}`, err));
      };
      socket.once('error', failed);
      socket.once('open', () => {
        stop();
        socket.off('error', failed);
        socket.on('error', () => socket.terminate());
        socket.on('message', (data) => events.onData(Array.isArray(data) ? Buffer.concat(data) : new Uint8Array(data as Buffer)));
        socket.on('close', () => events.onClose('websocket closed'));
        resolve({ write: (bytes) => socket.readyState === socket.OPEN && socket.send(bytes), close: () => socket.close(1000) });
      });
    });
}

/** WebSocket with the defaults of {@link createWsTransport}. */
export const wsTransport: ClientTransportFactory = createWsTransport();

/** Settings of {@link createKcpTransport}; `clock` also runs the KCP session. */
export type KcpTransportOptions = NodeTransportOptions;

/**
 * KCP: reliable UDP, one KCP message per write. Closing ends the session gracefully (see
 * `KcpSession.end`), so that the gate reads the client's last packet.
 * Connecting fails with CLIENT_ERR_CONNECT_FAILED when no KCP server answers within
 * `options.connectTimeoutMs` (UDP hears nothing back from a port without a listener) or it is full.
 */
export function createKcpTransport(options: KcpTransportOptions = {}): ClientTransportFactory {
  return (endpoint, events) => openKcp(endpoint, events, options);
}

async function openKcp(endpoint: string, events: ClientTransportEvents, options: KcpTransportOptions): Promise<ClientPipe> {
  const { host, port } = parseHostPort(endpoint);
  const clock = options.clock ?? new SystemClock();
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const timers = createTimerService({ clock, logger: createQuietLogger() });
  const client = await connectKcp(host, port, { clock, timers, kcp: { ...KCP_PRESETS.fast }, handshakeTimeoutMs: timeoutMs }).catch((err: unknown) => {
    timers.stop();
    // UDP hears nothing back from a port where nothing listens: that shows only as no answer in time.
    const hint = `connectTimeoutMs ${timeoutMs}; check the address and that the gate serves KCP there`;
    throw err instanceof KcpConnectError ? connectFailed(`KCP ${endpoint}`, err, () => hint) : connectFailed(`KCP ${endpoint}`, err);
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
}

/** KCP with the defaults of {@link createKcpTransport}. */
export const kcpTransport: ClientTransportFactory = createKcpTransport();

/** The Node transport for a kind, with `options` (default: each transport's defaults). */
export function nodeTransport(kind: ClientTransportKind, options: NodeTransportOptions = {}): ClientTransportFactory {
  return kind === 'tcp' ? createTcpTransport(options) : kind === 'ws' ? createWsTransport(options) : createKcpTransport(options);
}

export type { ClientTransportEvents };
