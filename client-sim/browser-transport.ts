/**
 * The WebSocket transport for browsers, on the standard `WebSocket` class (the `ws` package's
 * class has the same interface, which is how the tests run it in Node).
 */
import type { ClientTransportFactory } from './client-transport.js';

/** The standard WebSocket constructor, as browsers have it. */
export type WebSocketClass = new (url: string) => WebSocket;

/** A transport over `WebSocketImpl` (default: the global `WebSocket`). */
export function browserWebSocketTransport(WebSocketImpl: WebSocketClass = globalThis.WebSocket): ClientTransportFactory {
  return (url, events) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocketImpl(url);
      socket.binaryType = 'arraybuffer';
      socket.onerror = () => reject(new Error(`websocket ${url}: connection failed`));
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
