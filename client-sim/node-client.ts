/**
 * The client SDK with Node's defaults: node:crypto, node:zlib compression, and TCP, WebSocket
 * (`ws`) or KCP transports.
 */
import { createCompression } from '../engine/protocol/compression-zlib.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import type { ClientTransportFactory, ClientTransportKind } from './client-transport.js';
import { GateClient, type GateClientOptions } from './gate-client.js';
import { nodeTransport } from './node-transports.js';

/** {@link GateClientOptions} with Node defaults; `transport` may name a transport. */
export type NodeClientOptions = Omit<GateClientOptions, 'transport' | 'crypto' | 'compressions'> &
  Partial<Pick<GateClientOptions, 'crypto' | 'compressions'>> & { transport: ClientTransportKind | ClientTransportFactory };

/**
 * Connects to a gate from Node and completes the handshake.
 * @throws ClientError CLIENT_ERR_INVALID_GATE_KEY or CLIENT_ERR_INVALID_ENDPOINT before connecting;
 *   CLIENT_ERR_CONNECT_FAILED when the socket cannot connect (the socket's error as `cause`);
 *   ConnectionClosed CLIENT_ERR_HANDSHAKE_FAILED when the gate refuses (wrong key, version; its code
 *   in `serverCode`) or CLIENT_ERR_HANDSHAKE_TIMEOUT.
 */
export function connectGate(options: NodeClientOptions): Promise<GateClient> {
  return GateClient.connect({
    ...options,
    transport: typeof options.transport === 'function' ? options.transport : nodeTransport(options.transport),
    crypto: options.crypto ?? nodeCryptoSuite,
    compressions: options.compressions ?? [createCompression('deflate-raw')],
  });
}
