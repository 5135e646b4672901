/**
 * The client side of the KCP session layer, with no socket of its own: it sends HELLO, echoes the
 * server's cookie in CONNECT, and on ACCEPT runs a session with the conv the server chose.
 * Handshake messages are resent on a timer until answered or the handshake times out.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../timer/clock.js';
import type { TimerService } from '../../timer/timer-service.js';
import type { TimerId } from '../../timer/types.js';
import { CLOSE_REASON, CONTROL, NONCE_BYTES, decodeControl, encodeControl, isControl, type CloseReason } from './control.js';
import type { KcpOptions } from './kcp-options.js';
import { KcpSession, LIVENESS_DEFAULTS, type LivenessOptions } from './kcp-session.js';

/** Settings of a {@link KcpClient}. */
export interface KcpClientOptions {
  clock: Clock;
  timers: TimerService;
  /** Sends one datagram to the server. */
  send(datagram: Uint8Array): void;
  kcp?: Omit<KcpOptions, 'conv' | 'output'>;
  liveness?: Partial<LivenessOptions>;
  /** Give up connecting after this long (default 10,000 ms). */
  handshakeTimeoutMs?: number;
  /** Resend HELLO or CONNECT after this long without an answer (default 500 ms). */
  handshakeRetryMs?: number;
  /**
   * Runs `callback` once the current turn's input is handled: a session that took datagrams or
   * queued messages during the turn flushes then, once. Default `setImmediate`; see
   * `KcpServerOptions.endOfTurn`.
   */
  endOfTurn?: (callback: () => void) => void;
}

/** Why a connect attempt failed. */
export class KcpConnectError extends Error {
  override readonly name = 'KcpConnectError';
}

/** One client's session with a KCP server. */
export class KcpClient {
  /** The session, once connected. */
  session: KcpSession | undefined;
  private readonly nonce = randomBytes(NONCE_BYTES);
  private cookie: Uint8Array | undefined;
  private retry: TimerId | undefined;
  private tickTimer: TimerId | undefined;
  private settle: ((err?: Error) => void) | undefined;
  private turnEnding = false;
  private readonly endOfTurn: (callback: () => void) => void;
  private readonly flushDue = (): void => {
    this.turnEnding = false;
    const now = this.options.clock.now();
    this.session?.flush(now);
    this.schedule(now);
  };

  constructor(private readonly options: KcpClientOptions) {
    this.endOfTurn = options.endOfTurn ?? ((callback) => void setImmediate(callback));
  }

  /**
   * Runs the handshake.
   * @throws (rejects) KcpConnectError when the server does not answer in time or is full.
   */
  connect(): Promise<KcpSession> {
    const { timers } = this.options;
    return new Promise<KcpSession>((resolve, reject) => {
      const deadline = timers.once(this.options.handshakeTimeoutMs ?? 10_000, () => this.finish(new KcpConnectError('no answer from the KCP server in time')));
      this.settle = (err) => {
        timers.cancel(deadline);
        if (this.retry !== undefined) timers.cancel(this.retry);
        this.retry = undefined;
        this.settle = undefined;
        if (err) reject(err);
        else resolve(this.session!);
      };
      this.request();
    });
  }

  /** Takes one datagram from the server. Never throws for what arrives. */
  receive(datagram: Uint8Array): void {
    const now = this.options.clock.now();
    if (!isControl(datagram)) {
      this.session?.input(datagram, now);
      return;
    }
    const message = decodeControl(datagram);
    if (typeof message === 'string') return;
    switch (message.type) {
      case CONTROL.COOKIE:
        if (this.settle && !this.cookie && Buffer.from(message.nonce).equals(this.nonce)) {
          this.cookie = message.cookie;
          this.request();
        }
        return;
      case CONTROL.ACCEPT:
        if (this.settle && !this.session && Buffer.from(message.nonce).equals(this.nonce)) this.open(message.conv, now);
        return;
      case CONTROL.CLOSE:
        if (message.conv === 0 && this.settle) this.finish(new KcpConnectError(message.reason === CLOSE_REASON.SERVER_FULL ? 'the KCP server is full' : 'refused'));
        else if (this.session && message.conv === this.session.conv) this.session.close(message.reason as CloseReason, false);
        return;
      case CONTROL.KEEPALIVE:
        if (this.session && message.conv === this.session.conv) this.session.touch(now);
        return;
      default:
        return;
    }
  }

  /** Closes the session (telling the server) or abandons the handshake. */
  close(): void {
    if (this.settle) this.finish(new KcpConnectError('closed while connecting'));
    this.session?.close(CLOSE_REASON.NORMAL);
  }

  private request(): void {
    const { timers, send } = this.options;
    send(encodeControl(this.cookie ? { type: CONTROL.CONNECT, nonce: this.nonce, cookie: this.cookie } : { type: CONTROL.HELLO, nonce: this.nonce }));
    if (this.retry !== undefined) timers.cancel(this.retry);
    this.retry = timers.once(this.options.handshakeRetryMs ?? 500, () => {
      this.retry = undefined;
      if (this.settle) this.request();
    });
  }

  private open(conv: number, now: number): void {
    const liveness = { ...LIVENESS_DEFAULTS, ...this.options.liveness };
    this.session = new KcpSession(conv, 'server', this.options.kcp ?? {}, liveness, this.options.send, () => this.ended(), now, () => this.flushSoon());
    this.finish();
    this.schedule(now);
  }

  /** Asks for a flush at the end of this turn (once per turn, however many datagrams or messages). */
  private flushSoon(): void {
    if (this.turnEnding) return;
    this.turnEnding = true;
    this.endOfTurn(this.flushDue);
  }

  private ended(): void {
    if (this.tickTimer !== undefined) this.options.timers.cancel(this.tickTimer);
    this.tickTimer = undefined;
  }

  private finish(err?: Error): void {
    this.settle?.(err);
  }

  private schedule(now: number): void {
    const session = this.session;
    if (!session || session.closed) return;
    const { timers, clock } = this.options;
    if (this.tickTimer !== undefined) timers.cancel(this.tickTimer);
    this.tickTimer = timers.once(Math.max(0, session.nextTickAt(now) - now), () => {
      this.tickTimer = undefined;
      const at = clock.now();
      session.tick(at);
      this.schedule(at);
    });
  }
}
