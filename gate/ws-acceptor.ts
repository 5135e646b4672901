/**
 * Client connections over WebSocket (`ws`), for browsers: each binary message carries whole
 * protocol packets. Text messages are refused (close code 1003).
 *
 * The HTTP server is ours, so that a socket is admitted at its TCP accept, before any header is
 * read: it counts against the gate's caps from then on, and the handshake deadline that starts
 * there covers the HTTP upgrade as well as the protocol handshake. A socket that has not upgraded
 * by then gets `408` and is closed; one the gate refuses at accept gets `503` and is closed at once;
 * a request that is not an upgrade gets `426`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../engine/log/types.js';
import type { TimerId } from '../engine/timer/types.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { Acceptor, AcceptorHooks, ClientTransport } from './client-transport.js';
import type { AdmissionTicket } from './connection-admission.js';
import { GateError } from './errors.js';

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

/** Settings of a {@link WsAcceptor}. */
export interface WsAcceptorOptions {
  host: string;
  /** 0 picks a free port; {@link WsAcceptor.endpoint} tells which once listening. */
  port: number;
  path: string;
  /**
   * Largest WebSocket message accepted (the protocol's packet limit plus its header); `ws` refuses
   * bigger ones with close code 1009 before buffering them.
   */
  maxMessageBytes: number;
  /** From TCP accept to a finished upgrade, at most (the gate's handshake timeout). */
  handshakeTimeoutMs: number;
  timers: TimerService;
  logger: Logger;
}

/** A socket accepted and not yet upgraded. */
interface Waiting {
  ticket: AdmissionTicket;
  deadline: TimerId;
}

/** Listens for clients on a WebSocket port and path. */
export class WsAcceptor implements Acceptor {
  readonly kind = 'ws';
  private http: Server | undefined;
  private wss: WebSocketServer | undefined;
  private port: number;
  private readonly sockets = new Set<Socket>();
  private readonly waiting = new Map<Duplex, Waiting>();

  constructor(private readonly options: WsAcceptorOptions) {
    this.port = options.port;
  }

  get endpoint(): string {
    return `ws://${this.options.host}:${this.port}${this.options.path}`;
  }

  async listen(hooks: AcceptorHooks): Promise<void> {
    const { host, path, maxMessageBytes, handshakeTimeoutMs, timers, logger } = this.options;
    const wss = new WebSocketServer({ noServer: true, path, maxPayload: maxMessageBytes, perMessageDeflate: false });
    // Node's own limits on slow headers, behind the deadline below (they are checked less often).
    const http = createServer({ headersTimeout: handshakeTimeoutMs, requestTimeout: handshakeTimeoutMs, keepAliveTimeout: 1_000 });
    this.wss = wss;
    this.http = http;
    http.on('connection', (socket: Socket) => {
      socket.on('error', () => socket.destroy());
      const ticket = hooks.admit(`${socket.remoteAddress}:${socket.remotePort}`);
      if (ticket instanceof GateError) {
        answer(socket, 503, 'Service Unavailable', `${ticket.code}: ${ticket.clientMessage}`);
        return;
      }
      this.sockets.add(socket);
      const deadline = timers.once(handshakeTimeoutMs, () => {
        if (this.waiting.delete(socket)) answer(socket, 408, 'Request Timeout', `no WebSocket upgrade within ${handshakeTimeoutMs} ms`);
      });
      this.waiting.set(socket, { ticket, deadline });
      socket.on('close', () => {
        this.sockets.delete(socket);
        const waiting = this.waiting.get(socket);
        if (waiting) timers.cancel(waiting.deadline);
        this.waiting.delete(socket);
        ticket.release();
      });
    });
    http.on('request', (_request: IncomingMessage, response) => {
      response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' }).end('WebSocket only');
    });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const waiting = this.waiting.get(socket);
      if (!waiting) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (!this.waiting.delete(socket)) {
          ws.terminate();
          return;
        }
        timers.cancel(waiting.deadline);
        this.connected(hooks, ws, request, waiting.ticket);
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.port, host, () => {
        http.off('error', reject);
        // Accept failures (out of file descriptors) are logged; they must not end the process.
        http.on('error', (err) => logger.error('gate: websocket accept failed', { err }));
        resolve();
      });
    });
    const address = http.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async close(): Promise<void> {
    const { http, wss } = this;
    if (!http || !wss) return;
    this.http = undefined;
    this.wss = undefined;
    for (const client of wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private connected(hooks: AcceptorHooks, socket: WebSocket, request: IncomingMessage, ticket: AdmissionTicket): void {
    const handlers = hooks.accept(new WsTransport(socket, `${request.socket.remoteAddress}:${request.socket.remotePort}`), ticket);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        socket.close(1003, 'binary messages only');
        return;
      }
      // A Buffer (ws's default binary type) is handed on as it is: new Uint8Array(buffer) would copy it.
      handlers.onData(Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => handlers.onClose('websocket closed'));
  }
}

/** Answers a socket that will not be upgraded with a bare HTTP status, and closes it. */
function answer(socket: Duplex, status: number, reason: string, body: string): void {
  // A few bytes fit any fresh socket's send buffer: the write completes at once.
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, () => socket.destroy());
}
