/**
 * Client connections over WebSocket (`ws`), for browsers: each binary message carries whole
 * protocol packets. Text messages are refused (close code 1003).
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../engine/log/types.js';
import type { Acceptor, ClientTransport, TransportHandlers } from './client-transport.js';

/** A client's WebSocket as a {@link ClientTransport}. */
class WsTransport implements ClientTransport {
  readonly kind = 'ws';

  constructor(
    private readonly socket: WebSocket,
    readonly remote: string,
  ) {}

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  write(bytes: Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(bytes, { binary: true });
  }

  close(): void {
    this.socket.close(1000);
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }
}

/** Listens for clients on a WebSocket port and path. */
export class WsAcceptor implements Acceptor {
  readonly kind = 'ws';
  private server: WebSocketServer | undefined;

  /**
   * @param maxMessageBytes largest WebSocket message accepted (the protocol's packet limit plus its
   *   header); `ws` refuses bigger ones with close code 1009 before buffering them.
   */
  constructor(
    private readonly host: string,
    private port: number,
    private readonly path: string,
    private readonly maxMessageBytes: number,
    private readonly logger: Logger,
  ) {}

  get endpoint(): string {
    return `ws://${this.host}:${this.port}${this.path}`;
  }

  async listen(accept: (transport: ClientTransport) => TransportHandlers): Promise<void> {
    const server = new WebSocketServer({ host: this.host, port: this.port, path: this.path, maxPayload: this.maxMessageBytes, perMessageDeflate: false });
    this.server = server;
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      const handlers = accept(new WsTransport(socket, `${request.socket.remoteAddress}:${request.socket.remotePort}`));
      socket.on('message', (data, isBinary) => {
        if (!isBinary) {
          socket.close(1003, 'binary messages only');
          return;
        }
        handlers.onData(Array.isArray(data) ? Buffer.concat(data) : new Uint8Array(data as ArrayBuffer));
      });
      socket.on('error', () => socket.terminate());
      socket.on('close', () => handlers.onClose('websocket closed'));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        // Accept failures (out of file descriptors) are logged; they must not end the process.
        server.on('error', (err) => this.logger.error('gate: websocket accept failed', { err }));
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
