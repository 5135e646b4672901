/** Client connections over TCP: one protocol byte stream per socket. */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../engine/log/types.js';
import type { Acceptor, ClientTransport, TransportHandlers } from './client-transport.js';

/** A client's TCP socket as a {@link ClientTransport}. */
class TcpTransport implements ClientTransport {
  readonly kind = 'tcp';
  readonly remote: string;

  constructor(private readonly socket: Socket) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.writableEnded) this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
    // A peer that never reads would hold the socket half-closed forever.
    setTimeout(() => this.socket.destroy(), 2_000).unref();
  }
}

/** Listens for clients on a TCP port. */
export class TcpAcceptor implements Acceptor {
  readonly kind = 'tcp';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** @param port 0 picks a free port; {@link endpoint} tells which once listening. */
  constructor(
    private readonly host: string,
    private port: number,
    private readonly logger: Logger,
  ) {}

  get endpoint(): string {
    return `${this.host}:${this.port}`;
  }

  async listen(accept: (transport: ClientTransport) => TransportHandlers): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      const handlers = accept(new TcpTransport(socket));
      socket.on('data', (chunk) => handlers.onData(chunk));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        handlers.onClose('socket closed');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        // Accept failures (out of file descriptors) are logged; they must not end the process.
        server.on('error', (err) => this.logger.error('gate: tcp accept failed', { err }));
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
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
