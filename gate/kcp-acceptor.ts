/**
 * Client connections over KCP (reliable UDP, engine/net/kcp): each KCP message carries whole
 * protocol packets. The KCP session layer has its own cookie handshake, liveness and caps; the gate
 * admits a session at its CONNECT (after the cookie, so a spoofed address never counts), and a
 * refused one is told the server is full.
 *
 * Closing a connection ends its session gracefully, so that the last packet (a KICK) reaches the
 * client: the session lingers until the client acks it or the linger time passes (bounded in time
 * and bytes, see `KcpSession.end`). The connection keeps its admission ticket until the session is
 * freed: a lingering session still holds memory and a conv, so it counts against the caps.
 */
import type { Logger } from '../engine/log/types.js';
import type { KcpSession } from '../engine/net/kcp/kcp-session.js';
import { KcpError } from '../engine/net/kcp/errors.js';
import { KCP_PRESETS } from '../engine/net/kcp/kcp-options.js';
import type { KcpServer } from '../engine/net/kcp/kcp-server.js';
import { listenKcp, type UdpKcpServer } from '../engine/net/kcp/udp-kcp.js';
import type { Clock } from '../engine/timer/clock.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { Acceptor, AcceptorHooks, ClientTransport } from './client-transport.js';
import type { AdmissionTicket } from './connection-admission.js';
import { GateError } from './errors.js';

/** A client's KCP session as a {@link ClientTransport}. */
class KcpTransport implements ClientTransport {
  readonly kind = 'kcp';
  private closed = false;

  constructor(
    private readonly session: KcpSession,
    private readonly clock: Clock,
  ) {}

  get remote(): string {
    return this.session.address;
  }

  /** Bytes the client has not acked yet: a client that withholds acks shows here. */
  get bufferedBytes(): number {
    return this.session.bufferedBytes;
  }

  write(bytes: Uint8Array): void {
    if (this.closed) return;
    try {
      this.session.send(bytes);
    } catch (err) {
      // KCP's send queue is bounded: a client that does not ack is a slow consumer; drop it.
      if (!(err instanceof KcpError)) throw err;
      this.close();
    }
  }

  /** Ends the session once the client has acked what was written (or the linger ends). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.end(this.clock.now());
  }
}

/** Settings of a {@link KcpAcceptor}. */
export interface KcpAcceptorOptions {
  host: string;
  port: number;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  maxSessions: number;
}

/** Listens for clients on a UDP port with KCP sessions. */
export class KcpAcceptor implements Acceptor {
  readonly kind = 'kcp';
  private server: UdpKcpServer | undefined;

  constructor(private readonly options: KcpAcceptorOptions) {}

  get endpoint(): string {
    return this.server?.address ?? `${this.options.host}:${this.options.port}`;
  }

  /** The KCP server while listening, for its counters (metrics). */
  get kcpServer(): KcpServer | undefined {
    return this.server?.server;
  }

  async listen(hooks: AcceptorHooks): Promise<void> {
    const { host, port, clock, timers, logger, maxSessions } = this.options;
    // The ticket of the CONNECT being admitted: the server calls onSession right after admit.
    let admitted: AdmissionTicket | undefined;
    this.server = await listenKcp(host, port, {
      clock,
      timers,
      logger,
      maxSessions,
      kcp: { ...KCP_PRESETS.fast },
      admit: (address) => {
        const ticket = hooks.admit(address);
        if (ticket instanceof GateError) return false;
        admitted = ticket;
        return true;
      },
      onSession: (session) => {
        const ticket = admitted!;
        admitted = undefined;
        const handlers = hooks.accept(new KcpTransport(session, clock), ticket);
        session.onMessage = (message) => handlers.onData(message);
        session.onClose = (reason) => {
          ticket.release();
          handlers.onClose(`kcp closed: ${String(reason)}`);
        };
      },
    });
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}
