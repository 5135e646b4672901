/**
 * The client SDK for browsers: WebSocket, the pure-JavaScript crypto suite and inflate, and the
 * runtime's own timers (SystemClock runs in browsers). Bundle this file for the web; it imports
 * nothing from Node.
 */
import { createJsCompression } from '../engine/protocol/compression-js.js';
import { nobleCryptoSuite } from '../engine/protocol/noble-crypto-suite.js';
import { browserWebSocketTransport, type WebSocketClass } from './browser-transport.js';
import { GateClient, type GateClientOptions } from './gate-client.js';
import { alternativesOf, type GateEndpoint } from './login.js';

/** What a browser client needs: the gate's WebSocket URL and identity key from the login reply. */
export type BrowserClientOptions = Omit<GateClientOptions, 'transport' | 'crypto' | 'compressions' | 'endpoint'> & {
  /** The gate's `ws://` or `wss://` URL (the login reply's `gate.ws`). */
  url: string;
  /** Another WebSocket class than the global one. */
  WebSocket?: WebSocketClass;
  /**
   * The gates of the cluster (the login reply's `gates`): their WebSocket URLs become
   * `alternatives`, where `reconnect()` resumes the session when this gate is lost.
   */
  gates?: readonly GateEndpoint[];
};

/**
 * Connects to a gate from a browser and completes the handshake.
 * @throws ClientError CLIENT_ERR_INVALID_GATE_KEY, CLIENT_ERR_INVALID_ENDPOINT or CLIENT_ERR_NO_WEBSOCKET
 *   before connecting; CLIENT_ERR_CONNECT_FAILED when the WebSocket does not open; ConnectionClosed
 *   CLIENT_ERR_HANDSHAKE_FAILED when the gate refuses (its code in `serverCode`) or
 *   CLIENT_ERR_HANDSHAKE_TIMEOUT.
 */
export function connectBrowser(options: BrowserClientOptions): Promise<GateClient> {
  const { url, WebSocket, gates, ...rest } = options;
  const alternatives = [...(options.alternatives ?? []), ...alternativesOf(gates ?? [], 'ws')];
  return GateClient.connect({
    ...rest,
    ...(alternatives.length > 0 ? { alternatives } : {}),
    endpoint: url,
    transport: browserWebSocketTransport(WebSocket),
    transportKind: 'ws',
    crypto: nobleCryptoSuite,
    compressions: [createJsCompression('deflate-raw')],
  });
}

export { GateClient, RequestError, ConnectionClosed, type GateTarget, type GateMove } from './gate-client.js';
export { login, register, alternativesOf, LoginFailed, type LoginResult, type GateEndpoint } from './login.js';
export { ClientError, CLIENT_ERRORS, type ClientErrorCode, type ServerSaid } from './errors.js';
export { WorldMirror, type MirrorEntity, type MirrorSpace, type SyncMessageDecoder, type SyncFault, type WorldMirrorOptions } from './world-mirror.js';
export { Interpolator, type InterpolatorOptions, type Point } from './interpolator.js';
export type { SyncMessage, SyncEnter, SyncChange, SyncValues } from '../engine/sync/sync-message.js';
