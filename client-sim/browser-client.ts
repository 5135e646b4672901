/**
 * The client SDK for browsers: WebSocket, the pure-JavaScript crypto suite and inflate. Bundle
 * this file (and gate-client.ts, login.ts) for the web; it imports nothing from Node.
 */
import { createJsCompression } from '../engine/protocol/compression-js.js';
import { nobleCryptoSuite } from '../engine/protocol/noble-crypto-suite.js';
import { browserWebSocketTransport, type WebSocketClass } from './browser-transport.js';
import { GateClient, type GateClientOptions } from './gate-client.js';

/** What a browser client needs: the gate's WebSocket URL and identity key from the login reply. */
export type BrowserClientOptions = Omit<GateClientOptions, 'transport' | 'crypto' | 'compressions' | 'endpoint'> & {
  /** The gate's `ws://` or `wss://` URL. */
  url: string;
  /** Another WebSocket class than the global one. */
  WebSocket?: WebSocketClass;
};

/**
 * Connects to a gate from a browser and completes the handshake.
 * @throws ConnectionClosed when the gate refuses or the connection fails.
 */
export function connectBrowser(options: BrowserClientOptions): Promise<GateClient> {
  const { url, WebSocket, ...rest } = options;
  return GateClient.connect({ ...rest, endpoint: url, transport: browserWebSocketTransport(WebSocket), crypto: nobleCryptoSuite, compressions: [createJsCompression('deflate-raw')] });
}

export { GateClient, RequestError, ConnectionClosed } from './gate-client.js';
export { login, register, LoginFailed } from './login.js';
