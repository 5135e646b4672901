/**
 * One KCP session of the session layer, on either side: its KCP endpoint, the address of the
 * other side, liveness (last datagram in and out), and the hooks the application sets. Driven by
 * its owner (server or client), which feeds it datagrams, calls `tick` when `nextTickAt` comes,
 * and calls `flush` at the end of every turn in which the session said it was `due` (datagrams
 * came in, or messages were queued): acks and answers leave in the turn that caused them, and a
 * turn with many datagrams costs one flush.
 *
 * Closing: `close` ends the session at once, dropping what KCP still holds. `end` closes
 * gracefully: it flushes what is queued (a last message such as a KICK), lingers until the other
 * side has acked all of it or `lingerMs` passes, then sends CLOSE. The linger is bounded in time
 * and in bytes: a session holding more than `lingerMaxBytes` unacked is closed at once with
 * reason BACKLOG instead, its data dropped.
 */
import { CLOSE_REASON, CONTROL, encodeControl, type CloseReason } from './control.js';
import { Kcp } from './kcp.js';
import type { KcpOptions } from './kcp-options.js';

/** Liveness and closing settings shared by both sides. */
export interface LivenessOptions {
  /** Close a session that received nothing for this long. */
  idleTimeoutMs: number;
  /** Send a KEEPALIVE after this long without sending anything. */
  keepaliveIntervalMs: number;
  /** The longest {@link KcpSession.end} waits for the other side to ack what is still unacked. */
  lingerMs: number;
  /**
   * The most unacked payload bytes {@link KcpSession.end} lingers with; a session holding more is
   * closed at once, its data dropped (reason BACKLOG).
   */
  lingerMaxBytes: number;
}

/**
 * The defaults: idle after 30 s, a keepalive after 5 s of silence, a linger of at most 2 s and
 * 64 KiB (a KICK and the replies before it fit; a slow reader's backlog does not).
 */
export const LIVENESS_DEFAULTS: Readonly<LivenessOptions> = Object.freeze({
  idleTimeoutMs: 30_000,
  keepaliveIntervalMs: 5_000,
  lingerMs: 2_000,
  lingerMaxBytes: 64 * 1024,
});

/** Counters of one session. */
export interface KcpSessionStats {
  srttMs: number;
  rtoMs: number;
  timeoutResends: number;
  fastResends: number;
  duplicates: number;
  datagramsIn: number;
  datagramsOut: number;
  bytesIn: number;
  bytesOut: number;
}

/** A session: send messages, receive them through `onMessage`, learn of its end through `onClose`. */
export class KcpSession {
  /** Called with each whole message, in order. */
  onMessage: (message: Uint8Array) => void = () => {};
  /** Called once when the session ends, with why. */
  onClose: (reason: CloseReason) => void = () => {};
  private readonly kcp: Kcp;
  private lastIn: number;
  private lastOut: number;
  /** The time of the call in progress, for what KCP sends from inside it. */
  private now: number;
  private closedWith: CloseReason | undefined;
  /** Set by {@link end}: the reason CLOSE will carry and the linger's deadline. */
  private ending: { reason: CloseReason; until: number } | undefined;
  private readonly counters = { datagramsIn: 0, datagramsOut: 0, bytesIn: 0, bytesOut: 0 };

  /**
   * @param transmit sends one datagram to the other side.
   * @param forget tells the owner the session is over.
   * @param due tells the owner that the session wants {@link flush} at the end of this turn
   *   (datagrams came in, a message was queued, or it is ending); said again for each, so the
   *   owner keeps one entry per session and turn.
   */
  constructor(
    readonly conv: number,
    readonly address: string,
    kcpOptions: Omit<KcpOptions, 'conv' | 'output'>,
    private readonly liveness: LivenessOptions,
    private readonly transmit: (datagram: Uint8Array) => void,
    private readonly forget: (session: KcpSession) => void,
    now: number,
    private readonly due: (session: KcpSession) => void = () => {},
  ) {
    this.lastIn = this.lastOut = this.now = now;
    this.kcp = new Kcp({ ...kcpOptions, conv, output: (datagram) => this.out(datagram) });
    this.kcp.update(now);
  }

  /** Whether the session has ended. */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Whether the session is lingering after {@link end}: it sends nothing new and delivers nothing. */
  get lingering(): boolean {
    return this.ending !== undefined;
  }

  /** Segments not yet acked, in flight or queued: a sender's measure of backlog. */
  get waitingToSend(): number {
    return this.kcp.waitingToSend;
  }

  /** Payload bytes sent and not yet acked by the other side, queued or in flight. */
  get bufferedBytes(): number {
    return this.kcp.waitingBytes;
  }

  /** Largest message {@link send} takes. */
  get maxMessageBytes(): number {
    return this.kcp.maxMessageBytes;
  }

  /** Counters and the round-trip estimate. */
  stats(): KcpSessionStats {
    const { srttMs, rtoMs } = this.kcp.roundTrip;
    const { timeoutResends, fastResends, duplicates } = this.kcp.stats;
    return { srttMs, rtoMs, timeoutResends, fastResends, duplicates, ...this.counters };
  }

  /**
   * Queues a message for the other side.
   * @throws KcpError when it is empty, too large, the send queue is full or the link is dead;
   *   Error once closed or ending.
   */
  send(message: Uint8Array): void {
    if (this.closed || this.ending) throw new Error(`KCP session ${this.conv} is closed or closing`);
    this.kcp.send(message);
    this.due(this);
  }

  /**
   * Ends the session at once, telling the other side (unless it was the one that ended it); what
   * KCP still holds is dropped. During a linger it cuts the linger short.
   */
  close(reason: CloseReason = CLOSE_REASON.NORMAL, tell = true): void {
    if (this.closed) return;
    this.closedWith = reason;
    this.ending = undefined;
    if (tell) this.out(encodeControl({ type: CONTROL.CLOSE, conv: this.conv, reason }));
    this.forget(this);
    this.onClose(reason);
  }

  /**
   * Ends the session gracefully: flushes what is queued, lingers until the other side acks it all
   * or `lingerMs` passes, then sends CLOSE with `reason` and frees the session (`onClose` comes
   * then). Meanwhile {@link send} refuses and arriving messages are dropped. With nothing unacked
   * it closes at once; with more than `lingerMaxBytes` unacked it closes at once with reason
   * BACKLOG, dropping the data. Does nothing once closed or ending.
   * @param now the owner's clock: the linger's deadline counts from here.
   */
  end(now: number, reason: CloseReason = CLOSE_REASON.NORMAL): void {
    if (this.closed || this.ending) return;
    const waiting = this.kcp.waitingBytes;
    if (waiting === 0) return this.close(reason);
    // A peer that stopped acking: waiting for it would hold the whole backlog, and the last
    // message sits behind it. Drop it all and say why.
    if (waiting > this.liveness.lingerMaxBytes) return this.close(CLOSE_REASON.BACKLOG);
    this.ending = { reason, until: now + this.liveness.lingerMs };
    this.due(this);
  }

  /** @internal A KCP datagram from the other side. */
  input(datagram: Uint8Array, now: number): void {
    if (this.closed) return;
    this.now = now;
    this.lastIn = now;
    this.counters.datagramsIn++;
    this.counters.bytesIn += datagram.length;
    // The acks this datagram calls for go out at the end of the turn (flush), not at the next
    // flush period: after an idle spell that would be most of an interval away.
    this.kcp.advance(now);
    this.kcp.input(datagram);
    this.due(this);
    if (this.ending) {
      // Acks are what a linger waits for; messages have no one left to read them.
      while (this.kcp.recv() !== undefined) continue;
      if (this.kcp.waitingBytes === 0) this.close(this.ending.reason);
      return;
    }
    for (let message = this.kcp.recv(); message && !this.closed && !this.ending; message = this.kcp.recv()) this.onMessage(message);
  }

  /**
   * @internal The end of a turn in which the session was {@link due}: sends its acks, what was
   * queued and what is due, at once. A link found dead here closes.
   */
  flush(now: number): void {
    if (this.closed) return;
    this.now = now;
    this.kcp.flushNow(now);
    if (this.kcp.dead) this.close(this.ending ? this.ending.reason : CLOSE_REASON.DEAD_LINK);
  }

  /** @internal Proof of life from the other side (a KEEPALIVE). */
  touch(now: number): void {
    this.now = now;
    this.lastIn = now;
  }

  /** @internal Time work is next due: a KCP flush or resend, a keepalive, the idle limit, or the linger's end. */
  nextTickAt(now: number): number {
    if (this.ending) return Math.min(this.kcp.check(now), this.ending.until);
    return Math.min(this.kcp.check(now), this.lastOut + this.liveness.keepaliveIntervalMs, this.lastIn + this.liveness.idleTimeoutMs);
  }

  /** @internal Does what is due at `now`. */
  tick(now: number): void {
    if (this.closed) return;
    this.now = now;
    if (this.ending) {
      this.kcp.update(now);
      if (now >= this.ending.until || this.kcp.dead || this.kcp.waitingBytes === 0) this.close(this.ending.reason);
      return;
    }
    if (now - this.lastIn >= this.liveness.idleTimeoutMs) {
      this.close(CLOSE_REASON.IDLE);
      return;
    }
    this.kcp.update(now);
    if (this.kcp.dead) {
      this.close(CLOSE_REASON.DEAD_LINK);
      return;
    }
    if (now - this.lastOut >= this.liveness.keepaliveIntervalMs) this.out(encodeControl({ type: CONTROL.KEEPALIVE, conv: this.conv }));
  }

  private out(datagram: Uint8Array): void {
    this.lastOut = this.now;
    this.counters.datagramsOut++;
    this.counters.bytesOut += datagram.length;
    this.transmit(datagram);
  }
}
