/**
 * The WebSocket transport for browsers, on the standard `WebSocket` class (the `ws` package's
 * class has the same interface, so it runs in Node too).
 */
import { checkWebSocketUrl } from './client-inputs.js';
import type { ClientTransportFactory } from './client-transport.js';
import { ClientError } from './errors.js';

/** The standard WebSocket constructor, as browsers have it. */
export type WebSocketClass = new (url: string) => WebSocket;

/**
 * A transport over `WebSocketImpl` (default: the global `WebSocket`, looked up when connecting).
 * Connecting rejects with a {@link ClientError}: CLIENT_ERR_INVALID_ENDPOINT for a URL that is not
 * `ws://` or `wss://`, CLIENT_ERR_NO_WEBSOCKET when there is no WebSocket class,
 * CLIENT_ERR_CONNECT_FAILED when the socket does not open.
 */
export function browserWebSocketTransport(WebSocketImpl?: WebSocketClass): ClientTransportFactory {
  return (endpoint, events) =>
    new Promise((resolve, reject) => {
      const url = checkWebSocketUrl(endpoint);
      const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
      if (typeof Impl !== 'function') throw new ClientError('CLIENT_ERR_NO_WEBSOCKET', `no global WebSocket (${typeof Impl})`);
      const socket = new Impl(url);
      socket.binaryType = 'arraybuffer';
      // The browser does not say why (refused, TLS, no such host): it logs that to the console only.
      socket.onerror = () => reject(new ClientError('CLIENT_ERR_CONNECT_FAILED', `${url}: the WebSocket did not open`));
      socket.onopen = () => {
        socket.onerror = () => socket.close();
        socket.onmessage = (event: MessageEvent) => {
          // Binary frames only (binaryType is arraybuffer); text is not part of the protocol.
          if (typeof event.data !== 'string') events.onData(new Uint8Array(event.data as ArrayBuffer));
        };
        socket.onclose = () => events.onClose('websocket closed');
        resolve({ write: (bytes) => socket.readyState === 1 && socket.send(bytes), close: () => socket.close(1000) });
      };
    });
}
