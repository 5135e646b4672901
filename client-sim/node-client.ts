/**
 * The client SDK with Node's defaults: node:crypto, node:zlib compression, and TCP, WebSocket
 * (`ws`) or KCP transports.
 */
import { createCompression } from '../engine/protocol/compression-zlib.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import type { ClientTransportFactory, ClientTransportKind } from './client-transport.js';
import { GateClient, type GateClientOptions, type GateTarget } from './gate-client.js';
import { alternativesOf, type GateEndpoint } from './login.js';
import { nodeTransport } from './node-transports.js';

/** {@link GateClientOptions} with Node defaults; `transport` may name a transport. */
export type NodeClientOptions = Omit<GateClientOptions, 'transport' | 'crypto' | 'compressions'> &
  Partial<Pick<GateClientOptions, 'crypto' | 'compressions'>> & {
    transport: ClientTransportKind | ClientTransportFactory;
    /**
     * For a transport given by name: the connection must open within this long, the WebSocket
     * upgrade and the KCP handshake included (default 10,000 ms); the handshake with the gate then
     * has `handshakeTimeoutMs`. A transport given as a factory has its own (`createTcpTransport`
     * and the others take `connectTimeoutMs`).
     */
    connectTimeoutMs?: number;
    /**
     * The gates of the cluster (the login reply's `gates`): with a transport given by name, their
     * endpoints for it become `alternatives`, where `reconnect()` resumes the session when this
     * gate is lost.
     */
    gates?: readonly GateEndpoint[];
  };

/**
 * Connects to a gate from Node and completes the handshake. A transport given by name runs on
 * `options.clock`.
 * @throws ClientError CLIENT_ERR_INVALID_GATE_KEY or CLIENT_ERR_INVALID_ENDPOINT before connecting;
 *   CLIENT_ERR_CONNECT_FAILED when the socket cannot connect (the socket's error as `cause`) or is
 *   not open within `connectTimeoutMs`;
 *   ConnectionClosed CLIENT_ERR_HANDSHAKE_FAILED when the gate refuses (wrong key, version; its code
 *   in `serverCode`) or CLIENT_ERR_HANDSHAKE_TIMEOUT.
 */
export function connectGate(options: NodeClientOptions): Promise<GateClient> {
  const { connectTimeoutMs, gates, ...rest } = options;
  const kind = typeof options.transport === 'string' ? options.transport : undefined;
  const alternatives = kind && gates ? alternativesOf(gates, kind) : [];
  return GateClient.connect({
    ...rest,
    ...(alternatives.length > 0 ? { alternatives: [...(options.alternatives ?? []), ...alternatives] } : {}),
    ...(kind ? { transportKind: kind } : {}),
    transport: typeof options.transport === 'function' ? options.transport : nodeTransport(options.transport, { connectTimeoutMs, clock: options.clock }),
    crypto: options.crypto ?? nodeCryptoSuite,
    compressions: options.compressions ?? [createCompression('deflate-raw')],
  });
}

export { GateClient, RequestError, ConnectionClosed, type GateClientOptions, type GateTarget, type GateMove } from './gate-client.js';
export { login, register, alternativesOf, LoginFailed, type LoginResult, type GateEndpoint } from './login.js';
export { ClientError, CLIENT_ERRORS, type ClientErrorCode, type ServerSaid } from './errors.js';
export type { ClientTransportKind, ClientTransportFactory } from './client-transport.js';
export { emulatedTransport, type EmulatedTransportOptions } from './emulated-link/emulated-transport.js';
export type { NetworkProfile } from './bots/network-profile.js';
export type { ClientScript } from './client-script.js';
export { WorldMirror, type MirrorEntity, type MirrorSpace, type SyncMessageDecoder, type SyncFault, type WorldMirrorOptions } from './world-mirror.js';
export { Interpolator, type InterpolatorOptions, type Point } from './interpolator.js';
export type { SyncMessage, SyncEnter, SyncChange, SyncValues } from '../engine/sync/sync-message.js';
