/**
 * KCP, the reliable-UDP protocol, as a pure state machine: datagrams in through `input`, messages
 * out through `recv`, messages in through `send`, datagrams out through the `output` callback,
 * and time only through `update(now)`, `advance(now)`, `flushNow(now)` and `check(now)`. No
 * sockets and no timers, so tests drive it with a manual clock and a session layer drives many of
 * them from one scheduler.
 *
 * Behaviour follows the reference implementation's protocol, so that peers built on it
 * interoperate: segments of segment.ts; selective acks plus a cumulative `una`; retransmission on
 * an RTO estimated from the acks (RFC 6298 style) with exponential or gentler backoff; fast
 * resend after N later segments were acked; flow control by the peer's advertised window, with
 * probing while it is zero; optional congestion control (slow start, congestion avoidance,
 * halving on fast resend, collapse on timeout). Messages are split into at most one receive
 * window of fragments and delivered whole, in order, exactly once.
 *
 * Settings and counters are in kcp-options.ts; the send and receive buffers, the RTT estimate and
 * the congestion window have a file each. Sections here: messages · input · flush · timing.
 */
import { CongestionWindow } from './congestion-window.js';
import { KcpError } from './errors.js';
import { KcpSegment, copyBytes, seqDiff } from './kcp-segment.js';
import { ReceiveBuffer } from './receive-buffer.js';
import { KCP_RTO_MAX_MS, RttEstimator } from './rtt-estimator.js';
import { KCP_CMD, KCP_HEADER_BYTES, readSegmentHeader, writeSegmentHeader, type SegmentHeader } from './segment.js';
import { KCP_DEFAULTS, type KcpOptions, type KcpStats } from './kcp-options.js';
import { SendBuffer } from './send-buffer.js';

const RTO_NODELAY_MIN_MS = 30;
const RTO_MIN_MS = 100;
const PROBE_INITIAL_MS = 7_000;
const PROBE_LIMIT_MS = 120_000;
const REMOTE_WINDOW_INITIAL = 128;
const MAX_FRAGMENTS = 255;
// What `probe` asks flush to send.
const ASK_SEND = 1;
const ASK_TELL = 2;

function positiveInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`KCP ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** One end of a KCP conversation. */
export class Kcp {
  readonly conv: number;
  readonly mtu: number;
  /** Payload bytes per segment. */
  readonly mss: number;
  readonly stats: KcpStats = {
    segmentsSent: 0,
    timeoutResends: 0,
    fastResends: 0,
    segmentsReceived: 0,
    duplicates: 0,
    dropped: { short: 0, conv: 0, length: 0, command: 0, una: 0, window: 0, fragments: 0 },
  };

  private readonly output: (datagram: Uint8Array) => void;
  private readonly sendWindow: number;
  private readonly receiveWindow: number;
  private readonly interval: number;
  private readonly nodelay: 0 | 1 | 2;
  private readonly fastResend: number;
  private readonly fastLimit: number;
  private readonly congestionControl: boolean;
  private readonly deadLink: number;
  private readonly sendQueueLimit: number;

  private sndNxt = 0;
  private readonly rtt: RttEstimator;
  private readonly congestion: CongestionWindow;
  private remoteWindow = REMOTE_WINDOW_INITIAL;
  private probe = 0;
  private probeAt = 0;
  private probeWait = 0;
  private now = 0;
  private flushAt = 0;
  private updated = false;
  private isDead = false;

  // Messages split into segments, waiting for the send window.
  private sndQueue: KcpSegment[] = [];
  private sndQueueHead = 0;
  private sndQueueBytes = 0;
  private readonly sndBuf = new SendBuffer();
  private readonly rcv: ReceiveBuffer;
  // Acks to send at the next flush: pairs of (sn, ts).
  private readonly acks: Uint32Array;
  private ackCount = 0;
  private readonly header: SegmentHeader = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };
  // The datagram being built by flush.
  private out: Buffer | undefined;
  private outView: DataView | undefined;
  private outAt = 0;

  /** @throws RangeError for settings out of range (programmer errors). */
  constructor(options: KcpOptions) {
    this.conv = positiveInt('conv', options.conv, 0, 0xffff_ffff);
    this.output = options.output;
    this.mtu = positiveInt('mtu', options.mtu ?? KCP_DEFAULTS.mtu, KCP_HEADER_BYTES + 26, 65_507);
    this.mss = this.mtu - KCP_HEADER_BYTES;
    this.sendWindow = positiveInt('sendWindow', options.sendWindow ?? KCP_DEFAULTS.sendWindow, 1, 65_535);
    this.receiveWindow = positiveInt('receiveWindow', options.receiveWindow ?? KCP_DEFAULTS.receiveWindow, 2, 65_535);
    this.interval = positiveInt('intervalMs', options.intervalMs ?? KCP_DEFAULTS.intervalMs, 1, 5_000);
    this.nodelay = options.nodelay ?? KCP_DEFAULTS.nodelay;
    this.fastResend = positiveInt('fastResend', options.fastResend ?? KCP_DEFAULTS.fastResend, 0, 1_000_000);
    this.fastLimit = positiveInt('fastLimit', options.fastLimit ?? KCP_DEFAULTS.fastLimit, 0, 1_000_000);
    this.congestionControl = options.congestionControl ?? KCP_DEFAULTS.congestionControl;
    const minRto = positiveInt('minRtoMs', options.minRtoMs ?? (this.nodelay ? RTO_NODELAY_MIN_MS : RTO_MIN_MS), 1, KCP_RTO_MAX_MS);
    this.deadLink = positiveInt('deadLink', options.deadLink ?? KCP_DEFAULTS.deadLink, 1, 1_000_000);
    this.sendQueueLimit = positiveInt('sendQueueLimit', options.sendQueueLimit ?? KCP_DEFAULTS.sendQueueLimit, 1, 100_000_000);
    this.rtt = new RttEstimator(minRto, this.interval);
    this.congestion = new CongestionWindow(this.mss);
    this.rcv = new ReceiveBuffer(this.receiveWindow);
    // Each received push is acked at the next flush; past this many, acks wait for a resend.
    this.acks = new Uint32Array(4 * this.receiveWindow);
  }

  /** Largest message `send` takes: a receive window of fragments, at most 255. */
  get maxMessageBytes(): number {
    return this.mss * Math.min(MAX_FRAGMENTS, this.receiveWindow - 1);
  }

  /** True once a segment was sent `deadLink` times without an ack: the session should close. */
  get dead(): boolean {
    return this.isDead;
  }

  /** Segments not yet acked: in flight plus waiting to be sent. */
  get waitingToSend(): number {
    return this.sndQueue.length - this.sndQueueHead + this.sndBuf.count;
  }

  /**
   * Payload bytes not yet acked: queued plus in flight. A peer that stops acking (or reading) makes
   * this grow; the owner decides how much it tolerates.
   */
  get waitingBytes(): number {
    return this.sndQueueBytes + this.sndBuf.bytes;
  }

  /** Smoothed round-trip time in ms (0 before the first ack) and the current retransmission timeout. */
  get roundTrip(): { srttMs: number; rtoMs: number } {
    return { srttMs: this.rtt.srtt, rtoMs: this.rtt.rto };
  }

  /** The oldest unacked sequence number sent, or the next one when nothing is in flight. */
  private get sndUna(): number {
    return this.sndBuf.firstUnacked ?? this.sndNxt;
  }

  // ---------------------------------------------------------------------------------------------
  // Sending and receiving messages

  /**
   * Queues a message, split into segments of at most `mss` bytes; the bytes are copied.
   * @throws KcpError `KCP_ERR_EMPTY_MESSAGE`, `KCP_ERR_MESSAGE_TOO_LARGE` (past
   *   {@link maxMessageBytes}), `KCP_ERR_SEND_QUEUE_FULL`, `KCP_ERR_DEAD_LINK`.
   */
  send(message: Uint8Array): void {
    const length = message.length;
    if (length === 0) throw new KcpError('KCP_ERR_EMPTY_MESSAGE', 'send() of 0 bytes');
    if (this.isDead) throw new KcpError('KCP_ERR_DEAD_LINK', `conv ${this.conv}`);
    const count = Math.ceil(length / this.mss);
    if (length > this.maxMessageBytes) {
      throw new KcpError('KCP_ERR_MESSAGE_TOO_LARGE', `${length} bytes need ${count} fragments of ${this.mss}; the limit is ${this.maxMessageBytes} bytes`);
    }
    const queued = this.sndQueue.length - this.sndQueueHead;
    if (queued + count > this.sendQueueLimit) {
      throw new KcpError('KCP_ERR_SEND_QUEUE_FULL', `${queued} segments queued, cap ${this.sendQueueLimit}`);
    }
    for (let i = 0; i < count; i++) {
      const start = i * this.mss;
      const segment = new KcpSegment(copyBytes(message, start, Math.min(length, start + this.mss)));
      segment.frg = count - i - 1;
      this.sndQueue.push(segment);
    }
    this.sndQueueBytes += length;
  }

  /** The next whole message, or undefined when none is complete. */
  recv(): Uint8Array | undefined {
    const message = this.rcv.take(() => {
      // The window was full and is not any more: tell the peer, which may be probing it.
      this.probe |= ASK_TELL;
    });
    this.stats.dropped.fragments = this.rcv.discarded;
    return message;
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /**
   * Takes one datagram from the network. Anything malformed, foreign or outside the windows is
   * dropped and counted in {@link stats}; this never throws.
   */
  input(datagram: Uint8Array): void {
    const length = datagram.length;
    if (length < KCP_HEADER_BYTES) {
      this.stats.dropped.short++;
      return;
    }
    const view = new DataView(datagram.buffer, datagram.byteOffset, length);
    const h = this.header;
    const unaBefore = this.sndUna;
    let acked = false;
    let maxAck = 0;
    let offset = 0;
    while (length - offset >= KCP_HEADER_BYTES) {
      readSegmentHeader(view, offset, h);
      if (h.conv !== this.conv) {
        this.stats.dropped.conv++;
        return;
      }
      if (h.len > length - offset - KCP_HEADER_BYTES) {
        this.stats.dropped.length++;
        return;
      }
      if (h.cmd < KCP_CMD.PUSH || h.cmd > KCP_CMD.WINDOW_TELL) {
        this.stats.dropped.command++;
        return;
      }
      // A peer cannot have received what was never sent.
      if (seqDiff(h.una, this.sndNxt) > 0) {
        this.stats.dropped.una++;
        return;
      }
      const dataAt = offset + KCP_HEADER_BYTES;
      offset = dataAt + h.len;
      this.remoteWindow = h.wnd;
      this.sndBuf.ackUpTo(h.una);
      switch (h.cmd) {
        case KCP_CMD.ACK: {
          const rtt = seqDiff(this.now >>> 0, h.ts);
          if (rtt >= 0 && this.updated) this.rtt.sample(rtt);
          this.sndBuf.ack(h.sn);
          if (!acked || seqDiff(h.sn, maxAck) > 0) maxAck = h.sn;
          acked = true;
          break;
        }
        case KCP_CMD.PUSH:
          this.onPush(h, datagram, dataAt);
          break;
        case KCP_CMD.WINDOW_ASK:
          this.probe |= ASK_TELL;
          break;
        default: // WINDOW_TELL: the window was taken from the header already
          break;
      }
    }
    if (offset < length) this.stats.dropped.length++;
    // Segments sent before the newest acked one were skipped once more (for fast resend).
    if (acked && seqDiff(maxAck, this.sndUna) >= 0 && seqDiff(maxAck, this.sndNxt) < 0) this.sndBuf.skippedBefore(maxAck);
    if (this.congestionControl && seqDiff(this.sndUna, unaBefore) > 0) this.congestion.grow(this.remoteWindow);
  }

  private onPush(h: SegmentHeader, datagram: Uint8Array, dataAt: number): void {
    if (!this.rcv.inWindow(h.sn)) {
      this.stats.dropped.window++;
      return;
    }
    if (this.ackCount * 2 < this.acks.length) {
      this.acks[this.ackCount * 2] = h.sn;
      this.acks[this.ackCount * 2 + 1] = h.ts;
      this.ackCount++;
    }
    this.stats.segmentsReceived++;
    const segment = new KcpSegment(copyBytes(datagram, dataAt, dataAt + h.len));
    segment.sn = h.sn;
    segment.frg = h.frg;
    if (this.rcv.push(segment) === 'duplicate') this.stats.duplicates++;
  }

  // ---------------------------------------------------------------------------------------------
  // Flush: acks, window probes, new data, and resends, packed into datagrams up to the MTU.

  /** Sends what is due now: acks, window probes, new segments the windows allow, resends. */
  flush(): void {
    if (!this.updated) return;
    const now = this.now;
    const ts = now >>> 0;
    const wnd = this.rcv.unusedWindow;
    const una = this.rcv.next;

    for (let i = 0; i < this.ackCount; i++) this.put(KCP_CMD.ACK, 0, wnd, this.acks[i * 2 + 1]!, this.acks[i * 2]!, una, undefined);
    this.ackCount = 0;

    this.probeWindow(now);
    if (this.probe & ASK_SEND) this.put(KCP_CMD.WINDOW_ASK, 0, wnd, ts, 0, una, undefined);
    if (this.probe & ASK_TELL) this.put(KCP_CMD.WINDOW_TELL, 0, wnd, ts, 0, una, undefined);
    this.probe = 0;

    // New segments enter flight while the windows allow.
    let window = Math.min(this.sendWindow, this.remoteWindow);
    if (this.congestionControl) window = Math.min(window, this.congestion.cwnd);
    this.admit(window);

    const resendAfter = this.fastResend > 0 ? this.fastResend : Infinity;
    const rtoSlack = this.nodelay === 0 ? this.rtt.rto >> 3 : 0;
    let fastResent = false;
    let timedOut = false;
    this.sndBuf.forEach((segment) => {
      if (segment.xmit === 0) {
        segment.rto = this.rtt.rto;
        segment.resendAt = now + segment.rto + rtoSlack;
        this.stats.segmentsSent++;
      } else if (now >= segment.resendAt) {
        // Lost: back off, doubling (classic) or by half (nodelay), before trying again.
        if (this.nodelay === 0) segment.rto += Math.max(segment.rto, this.rtt.rto);
        else segment.rto += Math.floor((this.nodelay === 1 ? segment.rto : this.rtt.rto) / 2);
        segment.resendAt = now + segment.rto;
        this.stats.timeoutResends++;
        timedOut = true;
      } else if (segment.fastack >= resendAfter && (this.fastLimit === 0 || segment.xmit <= this.fastLimit)) {
        segment.fastack = 0;
        segment.resendAt = now + segment.rto;
        this.stats.fastResends++;
        fastResent = true;
      } else {
        return;
      }
      segment.xmit++;
      segment.ts = ts;
      this.put(KCP_CMD.PUSH, segment.frg, wnd, ts, segment.sn, una, segment.data);
      if (segment.xmit >= this.deadLink) this.isDead = true;
    });
    this.emit();

    if (!this.congestionControl) return;
    if (fastResent) this.congestion.fastResent(seqDiff(this.sndNxt, this.sndUna), Number.isFinite(resendAfter) ? resendAfter : 0);
    if (timedOut) this.congestion.timedOut(window);
    this.congestion.atLeastOne();
  }

  /** A zero window on the other side is asked about, less and less often, until it opens. */
  private probeWindow(now: number): void {
    if (this.remoteWindow !== 0) {
      this.probeAt = 0;
      this.probeWait = 0;
    } else if (this.probeWait === 0) {
      this.probeWait = PROBE_INITIAL_MS;
      this.probeAt = now + this.probeWait;
    } else if (now >= this.probeAt) {
      this.probeWait = Math.min(PROBE_LIMIT_MS, this.probeWait + Math.floor(this.probeWait / 2));
      this.probeAt = now + this.probeWait;
      this.probe |= ASK_SEND;
    }
  }

  /** Moves queued segments into flight while fewer than `window` are unacked. */
  private admit(window: number): void {
    while (seqDiff(this.sndNxt, (this.sndUna + window) >>> 0) < 0 && this.sndQueueHead < this.sndQueue.length) {
      const segment = this.sndQueue[this.sndQueueHead]!;
      this.sndQueue[this.sndQueueHead++] = undefined as unknown as KcpSegment;
      this.sndQueueBytes -= segment.data.length;
      segment.sn = this.sndNxt;
      this.sndBuf.push(segment);
      this.sndNxt = (this.sndNxt + 1) >>> 0;
    }
    if (this.sndQueueHead === this.sndQueue.length) {
      this.sndQueue = [];
      this.sndQueueHead = 0;
    } else if (this.sndQueueHead > 1024 && this.sndQueueHead * 2 > this.sndQueue.length) {
      this.sndQueue = this.sndQueue.slice(this.sndQueueHead);
      this.sndQueueHead = 0;
    }
  }

  /** Appends one segment to the datagram being built, sending that first when it is full. */
  private put(cmd: number, frg: number, wnd: number, ts: number, sn: number, una: number, data: Uint8Array | undefined): void {
    const len = data ? data.length : 0;
    if (this.out && this.outAt + KCP_HEADER_BYTES + len > this.mtu) this.emit();
    if (!this.out) {
      this.out = Buffer.allocUnsafe(this.mtu);
      this.outView = new DataView(this.out.buffer, this.out.byteOffset, this.mtu);
      this.outAt = 0;
    }
    const h = this.header;
    h.conv = this.conv;
    h.cmd = cmd;
    h.frg = frg;
    h.wnd = wnd;
    h.ts = ts;
    h.sn = sn;
    h.una = una;
    h.len = len;
    writeSegmentHeader(this.outView!, this.outAt, h);
    this.outAt += KCP_HEADER_BYTES;
    if (data) {
      this.out.set(data, this.outAt);
      this.outAt += len;
    }
  }

  private emit(): void {
    if (!this.out || this.outAt === 0) return;
    const datagram = this.out.subarray(0, this.outAt);
    this.out = undefined;
    this.outView = undefined;
    this.outAt = 0;
    this.output(datagram);
  }

  // ---------------------------------------------------------------------------------------------
  // Timing

  /**
   * Advances the clock to `now` (milliseconds, never going back) and flushes when a flush period
   * has passed. Call it at the time {@link check} names, or on every input.
   */
  update(now: number): void {
    this.advance(now);
    let slack = this.now - this.flushAt;
    if (Math.abs(slack) >= 10_000) {
      // A clock that jumped: start the flush period over rather than catching up.
      this.flushAt = this.now;
      slack = 0;
    }
    if (slack >= 0) {
      this.flushAt += this.interval;
      if (this.now >= this.flushAt) this.flushAt = this.now + this.interval;
      this.flush();
    }
  }

  /**
   * Advances the clock to `now` (milliseconds, never going back) without flushing: for datagrams
   * about to go into {@link input} whose acks {@link flushNow} sends at the end of the turn.
   */
  advance(now: number): void {
    this.now = Math.max(this.now, Math.floor(now));
    if (!this.updated) {
      this.updated = true;
      this.flushAt = this.now;
    }
  }

  /**
   * Advances the clock to `now` and flushes at once, whatever the flush period says, then starts
   * the period over from `now`. For the end of a turn that brought input or queued messages: their
   * acks and answers go out in that turn instead of waiting up to an interval, and a turn that
   * brought many datagrams still costs one flush. Timed work (resends, window probes) is done as in
   * any flush.
   */
  flushNow(now: number): void {
    this.advance(now);
    this.flushAt = this.now + this.interval;
    this.flush();
  }

  /** True when a flush would send nothing: no acks, probes, data queued or in flight. */
  get idle(): boolean {
    return this.ackCount === 0 && this.probe === 0 && this.remoteWindow !== 0 && this.sndBuf.empty && this.sndQueueHead === this.sndQueue.length;
  }

  /**
   * When {@link update} should next be called: now when a flush is due, else the next flush;
   * Infinity while {@link idle}, until the next `input` or `send`. Resends happen only at
   * flushes, so an earlier wake-up would find nothing to do. A scheduler keyed by this time drives
   * many sessions without a timer each, and idle ones cost nothing.
   */
  check(now: number): number {
    if (!this.updated) return now;
    if (this.idle) return Infinity;
    let flushAt = this.flushAt;
    if (Math.abs(now - flushAt) >= 10_000) flushAt = now;
    return now >= flushAt ? now : flushAt;
  }
}
