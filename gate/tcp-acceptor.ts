/**
 * Client connections over TCP: one protocol byte stream per socket. A socket the gate refuses at
 * accept gets a clear KICK naming why, and is closed at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../engine/log/types.js';
import { PACKET } from '../engine/protocol/constants.js';
import { encodeKick } from '../engine/protocol/kick.js';
import { encodePacket } from '../engine/protocol/packet-encoder.js';
import type { Acceptor, AcceptorHooks, ClientTransport } from './client-transport.js';
import { GateError } from './errors.js';

/** A client's TCP socket as a {@link ClientTransport}. */
class TcpTransport implements ClientTransport {
  readonly kind = 'tcp';

  constructor(
    private readonly socket: Socket,
    readonly remote: string,
  ) {}

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

  async listen(hooks: AcceptorHooks): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => {
      socket.on('error', () => socket.destroy());
      const remote = `${socket.remoteAddress}:${socket.remotePort}`;
      const ticket = hooks.admit(remote);
      if (ticket instanceof GateError) {
        // The KICK fits any fresh socket's send buffer: the write completes at once.
        socket.write(encodePacket(PACKET.KICK, encodeKick(ticket.wireCode, ticket.code, ticket.clientMessage)), () => socket.destroy());
        return;
      }
      this.sockets.add(socket);
      const handlers = hooks.accept(new TcpTransport(socket, remote), ticket);
      socket.on('data', (chunk) => handlers.onData(chunk));
      socket.on('close', () => {
        this.sockets.delete(socket);
        ticket.release();
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
