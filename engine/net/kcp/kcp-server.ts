/**
 * The server side of the KCP session layer, with no socket of its own: datagrams come in through
 * `receive(datagram, address)` and go out through the `send` callback, so one UDP socket serves
 * every session and tests run it on an emulated network.
 *
 * Pipeline: datagram → control (conv 0: handshake, keepalive, close) or session by conv (its
 * address must match) → KCP → messages. Handshake: HELLO → COOKIE (stateless, see cookie-jar.ts)
 * → CONNECT with the cookie → ACCEPT with a fresh conv. Until a valid cookie comes back the server
 * keeps nothing and answers with fewer bytes than it got. Every session is driven by one shared
 * timer heap keyed by its next due time (KCP's check, keepalive, idle limit), and flushed once at
 * the end of each turn in which it took datagrams or queued messages (see {@link KcpServerOptions.endOfTurn}).
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../../log/types.js';
import type { Clock } from '../../timer/clock.js';
import type { TimerService } from '../../timer/timer-service.js';
import type { TimerId } from '../../timer/types.js';
import { CLOSE_REASON, CONTROL, decodeControl, encodeControl, isControl, type CloseReason } from './control.js';
import { CookieJar } from './cookie-jar.js';
import type { KcpOptions } from './kcp-options.js';
import { KcpSession, LIVENESS_DEFAULTS, type LivenessOptions } from './kcp-session.js';
import { convOf } from './segment.js';

/** Settings of a {@link KcpServer}. */
export interface KcpServerOptions {
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  /** Sends one datagram to `address` (`host:port`). */
  send(datagram: Uint8Array, address: string): void;
  /** Called for each new session, to set its hooks. */
  onSession(session: KcpSession): void;
  /**
   * Asked at each valid CONNECT, before a session exists: false refuses it, answered like a full
   * server (CLOSE, server full). When it says true, `onSession` follows at once for `address`.
   * Default: every CONNECT within `maxSessions` is taken.
   */
  admit?(address: string): boolean;
  /** KCP settings of every session (a preset, windows, MTU). */
  kcp?: Omit<KcpOptions, 'conv' | 'output'>;
  /** Sessions at most; a CONNECT past it is answered with CLOSE (server full). Default 10,000. */
  maxSessions?: number;
  /** Idle limit, keepalive and linger; default {@link LIVENESS_DEFAULTS}. */
  liveness?: Partial<LivenessOptions>;
  /** Handshake cookies; default: a jar with a random key on the server's clock. */
  cookies?: CookieJar;
  /**
   * Runs `callback` once the current turn's input is handled: the sessions that took datagrams
   * or queued messages during the turn flush then, once each, so that acks and answers leave in
   * that turn and a busy turn still costs one flush per session. Default `setImmediate` (after
   * the I/O callbacks of the event loop's turn); tests pass their own to say where a turn ends.
   */
  endOfTurn?: (callback: () => void) => void;
}

/** Counters of a server. */
export interface KcpServerStats {
  sessions: number;
  accepted: number;
  cookiesSent: number;
  badCookies: number;
  full: number;
  /** CONNECTs that `admit` refused. */
  refused: number;
  /** Datagrams dropped: malformed control, unknown conv, or a conv from another address. */
  malformed: number;
  unknownConv: number;
  wrongAddress: number;
}

/** Resends and round-trip times of a server's sessions. */
export interface KcpTransmission {
  /** Segments sent again after their RTO ran out, by every session, ended ones included. */
  timeoutResends: number;
  /** Segments sent again after later segments were acked, likewise. */
  fastResends: number;
  /** The smoothed RTT of each live session, in ms (0 before its first sample). */
  srttMs: number[];
}

const NONCE_KEY = (address: string, nonce: Uint8Array): string => `${address}/${Buffer.from(nonce).toString('hex')}`;

/** Many KCP sessions behind one datagram socket. */
export class KcpServer {
  private readonly sessions = new Map<number, KcpSession>();
  private readonly timerOf = new Map<KcpSession, TimerId>();
  // The conv handed to each (address, nonce), so a resent CONNECT gets the same ACCEPT.
  private readonly acceptedNonce = new Map<string, number>();
  private readonly cookies: CookieJar;
  private readonly liveness: LivenessOptions;
  private readonly maxSessions: number;
  private readonly counters = { accepted: 0, cookiesSent: 0, badCookies: 0, full: 0, refused: 0, malformed: 0, unknownConv: 0, wrongAddress: 0 };
  private dropsLogged = 0;
  // Resends of the sessions already gone, so that the totals never go back.
  private readonly endedResends = { timeout: 0, fast: 0 };
  // Sessions to flush at the end of this turn, and whether that end is already asked for.
  private readonly due = new Set<KcpSession>();
  private turnEnding = false;
  private readonly endOfTurn: (callback: () => void) => void;
  private readonly flushDue = (): void => this.flushAll();
  /** Set by {@link close}: no new sessions; resolved once the last session is freed. */
  private stopping: { done: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly options: KcpServerOptions) {
    this.cookies = options.cookies ?? new CookieJar({ clock: options.clock });
    this.liveness = { ...LIVENESS_DEFAULTS, ...options.liveness };
    this.maxSessions = options.maxSessions ?? 10_000;
    this.endOfTurn = options.endOfTurn ?? ((callback) => void setImmediate(callback));
  }

  /** Counters for metrics. */
  stats(): KcpServerStats {
    return { sessions: this.sessions.size, ...this.counters };
  }

  /** Resends and round-trip times for metrics; walks every session, so it is for scrapes, not hot paths. */
  transmission(): KcpTransmission {
    let timeoutResends = this.endedResends.timeout;
    let fastResends = this.endedResends.fast;
    const srttMs: number[] = [];
    for (const session of this.sessions.values()) {
      const stats = session.stats();
      timeoutResends += stats.timeoutResends;
      fastResends += stats.fastResends;
      srttMs.push(stats.srttMs);
    }
    return { timeoutResends, fastResends, srttMs };
  }

  /** Takes one datagram from `address`. Never throws for what a peer sends. */
  receive(datagram: Uint8Array, address: string): void {
    const now = this.options.clock.now();
    if (isControl(datagram)) {
      this.control(datagram, address, now);
      return;
    }
    const conv = convOf(datagram);
    const session = conv === undefined ? undefined : this.sessions.get(conv);
    if (!session) {
      this.dropped('unknownConv', address);
      return;
    }
    if (session.address !== address) {
      this.dropped('wrongAddress', address);
      return;
    }
    session.input(datagram, now);
  }

  /**
   * Stops taking new sessions and ends every session gracefully with reason SHUTDOWN (see
   * {@link KcpSession.end}); datagrams keep being read meanwhile, for the acks the lingering
   * sessions wait for.
   * @returns resolves once the last session is freed, at most the linger time later.
   */
  close(): Promise<void> {
    if (!this.stopping) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.stopping = { done, resolve };
      const now = this.options.clock.now();
      for (const session of [...this.sessions.values()]) session.end(now, CLOSE_REASON.SHUTDOWN);
      if (this.sessions.size === 0) resolve();
    }
    return this.stopping.done;
  }

  private control(datagram: Uint8Array, address: string, now: number): void {
    const message = decodeControl(datagram);
    if (typeof message === 'string') {
      this.dropped('malformed', address);
      return;
    }
    switch (message.type) {
      case CONTROL.HELLO:
        if (this.stopping) return;
        this.counters.cookiesSent++;
        this.options.send(encodeControl({ type: CONTROL.COOKIE, nonce: message.nonce, cookie: this.cookies.mint(address, message.nonce) }), address);
        return;
      case CONTROL.CONNECT:
        this.connect(address, message.nonce, message.cookie, now);
        return;
      case CONTROL.CLOSE:
      case CONTROL.KEEPALIVE: {
        const session = this.sessions.get(message.conv);
        if (!session || session.address !== address) {
          this.dropped('wrongAddress', address);
          return;
        }
        if (message.type === CONTROL.CLOSE) session.close(message.reason as CloseReason, false);
        else session.touch(now);
        return;
      }
      default:
        this.dropped('malformed', address); // COOKIE and ACCEPT only ever go to clients
    }
  }

  private connect(address: string, nonce: Uint8Array, cookie: Uint8Array, now: number): void {
    if (this.stopping) return;
    if (!this.cookies.verify(address, nonce, cookie)) {
      this.dropped('badCookies', address);
      return;
    }
    const key = NONCE_KEY(address, nonce);
    const known = this.acceptedNonce.get(key);
    if (known !== undefined && this.sessions.has(known)) {
      this.options.send(encodeControl({ type: CONTROL.ACCEPT, nonce, conv: known }), address);
      return;
    }
    if (this.sessions.size >= this.maxSessions) {
      this.counters.full++;
      this.options.send(encodeControl({ type: CONTROL.CLOSE, conv: 0, reason: CLOSE_REASON.SERVER_FULL }), address);
      return;
    }
    if (this.options.admit && !this.options.admit(address)) {
      this.counters.refused++;
      this.options.send(encodeControl({ type: CONTROL.CLOSE, conv: 0, reason: CLOSE_REASON.SERVER_FULL }), address);
      return;
    }
    let conv: number;
    do conv = randomInt(1, 0xffff_ffff);
    while (this.sessions.has(conv));
    const session = new KcpSession(
      conv,
      address,
      this.options.kcp ?? {},
      this.liveness,
      (datagram) => this.options.send(datagram, address),
      (ended) => this.forget(ended, key),
      now,
      (due) => this.flushSoon(due),
    );
    this.sessions.set(conv, session);
    this.acceptedNonce.set(key, conv);
    this.counters.accepted++;
    this.options.send(encodeControl({ type: CONTROL.ACCEPT, nonce, conv }), address);
    this.options.onSession(session);
    this.schedule(session, now);
  }

  // Every drop is counted; the log hears of the first and then of every 10,000th, so that a flood
  // of garbage cannot flood the log too.
  private dropped(kind: 'malformed' | 'unknownConv' | 'wrongAddress' | 'badCookies', address: string): void {
    this.counters[kind]++;
    const total = this.counters.malformed + this.counters.unknownConv + this.counters.wrongAddress + this.counters.badCookies;
    if (total === 1 || total - this.dropsLogged >= 10_000) {
      this.dropsLogged = total;
      this.options.logger.warn('kcp: dropping datagrams that belong to no session or break the protocol', { kind, from: address, ...this.counters });
    }
  }

  private forget(session: KcpSession, key: string): void {
    const { timeoutResends, fastResends } = session.stats();
    this.endedResends.timeout += timeoutResends;
    this.endedResends.fast += fastResends;
    this.sessions.delete(session.conv);
    this.acceptedNonce.delete(key);
    const timer = this.timerOf.get(session);
    if (timer !== undefined) this.options.timers.cancel(timer);
    this.timerOf.delete(session);
    if (this.stopping && this.sessions.size === 0) this.stopping.resolve();
  }

  private flushSoon(session: KcpSession): void {
    this.due.add(session);
    if (this.turnEnding) return;
    this.turnEnding = true;
    this.endOfTurn(this.flushDue);
  }

  /** The end of a turn: each session that was due flushes once and gets its next due time. */
  private flushAll(): void {
    this.turnEnding = false;
    const now = this.options.clock.now();
    // A flush can close a session, whose onClose may queue messages on others: they join this pass.
    for (const session of this.due) {
      this.due.delete(session);
      session.flush(now);
      this.schedule(session, now);
    }
  }

  /** (Re)arms the session's entry in the shared timer heap for its next due time. */
  private schedule(session: KcpSession, now: number): void {
    if (session.closed) return;
    const previous = this.timerOf.get(session);
    if (previous !== undefined) this.options.timers.cancel(previous);
    const delay = Math.max(0, session.nextTickAt(now) - now);
    this.timerOf.set(
      session,
      this.options.timers.once(delay, () => {
        this.timerOf.delete(session);
        const at = this.options.clock.now();
        session.tick(at);
        this.schedule(session, at);
      }),
    );
  }
}
