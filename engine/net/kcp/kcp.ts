/**
 * KCP, the reliable-UDP protocol, as a pure state machine: datagrams in through `input`, messages
 * out through `recv`, messages in through `send`, datagrams out through the `output` callback,
 * and time only through `update(now)` and `check(now)`. No sockets and no timers, so tests drive
 * it with a manual clock and a session layer drives many of them from one scheduler.
 *
 * Behaviour follows the reference implementation's protocol, so that peers built on it
 * interoperate: segments of segment.ts; selective acks plus a cumulative `una`; retransmission on
 * an RTO estimated from the acks (RFC 6298 style) with exponential or gentler backoff; fast
 * resend after N later segments were acked; flow control by the peer's advertised window, with
 * probing while it is zero; optional congestion control (slow start, congestion avoidance,
 * halving on fast resend, collapse on timeout). Messages are split into at most one receive
 * window of fragments and delivered whole, in order, exactly once.
 *
 * Sections: options and stats · sending · receiving · input · flush · timing.
 */
import { KcpError } from './errors.js';
import { KCP_CMD, KCP_HEADER_BYTES, readSegmentHeader, writeSegmentHeader, type SegmentHeader } from './segment.js';

// ---------------------------------------------------------------------------------------------
// Options and stats

/** Settings of one KCP endpoint; {@link KCP_DEFAULTS} holds the defaults. */
export interface KcpOptions {
  /** Conversation id: both ends must use the same one; datagrams with another are dropped. */
  conv: number;
  /** Sends one datagram. It owns the bytes it is given. */
  output(datagram: Uint8Array): void;
  /** Largest datagram, header included. */
  mtu?: number;
  /** Segments in flight at most (before the peer's window and the congestion window). */
  sendWindow?: number;
  /** Segments this side buffers for reordering and for messages not yet read. */
  receiveWindow?: number;
  /** Flush period: acks and new data go out at most this long after they were due. */
  intervalMs?: number;
  /** 0: classic RTO doubling; 1: RTO grows by half; 2: by half of the current estimate. */
  nodelay?: 0 | 1 | 2;
  /** Resend a segment once this many later segments were acked (0: never). */
  fastResend?: number;
  /** Most fast resends of one segment (0: no limit). */
  fastLimit?: number;
  /** Slow start and congestion avoidance; off, only the windows limit what is in flight. */
  congestionControl?: boolean;
  /** Floor of the retransmission timeout (default 100 ms, 30 ms with nodelay). */
  minRtoMs?: number;
  /** The link is dead once one segment has been sent this many times. */
  deadLink?: number;
  /** Cap on segments waiting to enter the send window; `send` refuses past it. */
  sendQueueLimit?: number;
}

/** Defaults of the reference implementation, plus our queue cap. */
export const KCP_DEFAULTS = {
  mtu: 1400,
  sendWindow: 32,
  receiveWindow: 128,
  intervalMs: 100,
  nodelay: 0,
  fastResend: 0,
  fastLimit: 5,
  congestionControl: true,
  deadLink: 20,
  sendQueueLimit: 8192,
} as const;

/**
 * The tuning presets: `normal` keeps congestion control and classic backoff; `fast` flushes every
 * 10 ms, resends after 2 later acks, backs off gently and drops congestion control, trading
 * bandwidth for latency on lossy links.
 */
export const KCP_PRESETS = {
  normal: { nodelay: 0, intervalMs: 40, fastResend: 0, congestionControl: true },
  fast: { nodelay: 1, intervalMs: 10, fastResend: 2, congestionControl: false },
} as const satisfies Record<string, Partial<KcpOptions>>;

const RTO_NODELAY_MIN_MS = 30;
const RTO_MIN_MS = 100;
const RTO_INITIAL_MS = 200;
const RTO_MAX_MS = 60_000;
const SSTHRESH_INITIAL = 2;
const SSTHRESH_MIN = 2;
const PROBE_INITIAL_MS = 7_000;
const PROBE_LIMIT_MS = 120_000;
const REMOTE_WINDOW_INITIAL = 128;
const MAX_FRAGMENTS = 255;
// What `probe` asks flush to send.
const ASK_SEND = 1;
const ASK_TELL = 2;

/** Counters of one endpoint. */
export interface KcpStats {
  /** Push segments sent for the first time. */
  segmentsSent: number;
  /** Push segments sent again after their RTO ran out (a loss). */
  timeoutResends: number;
  /** Push segments sent again after later segments were acked. */
  fastResends: number;
  /** Push segments received, and those among them already received before. */
  segmentsReceived: number;
  duplicates: number;
  /** Datagrams or segments dropped for being malformed, foreign or outside the window. */
  dropped: {
    short: number;
    conv: number;
    length: number;
    command: number;
    una: number;
    window: number;
    fragments: number;
  };
}

/** One segment of the send or receive side. */
class Segment {
  frg = 0;
  sn = 0;
  ts = 0;
  resendAt = 0;
  rto = 0;
  fastack = 0;
  xmit = 0;
  constructor(readonly data: Uint8Array) {}
}

/** A copy of `src[start, end)` as a plain Uint8Array (a Buffer's `slice` would be a view). */
function copyBytes(src: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(src.subarray(start, end));
  return out;
}

/** Signed difference of two 32-bit counters (sequence numbers, timestamps) that may wrap. */
function diff(a: number, b: number): number {
  return (a - b) | 0;
}

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
  private readonly minRto: number;
  private readonly deadLink: number;
  private readonly sendQueueLimit: number;

  private sndUna = 0;
  private sndNxt = 0;
  private rcvNxt = 0;
  private ssthresh = SSTHRESH_INITIAL;
  private rttVar = 0;
  private srtt = 0;
  private rto = RTO_INITIAL_MS;
  private remoteWindow = REMOTE_WINDOW_INITIAL;
  private cwnd = 0;
  private incr = 0;
  private probe = 0;
  private probeAt = 0;
  private probeWait = 0;
  private now = 0;
  private flushAt = 0;
  private updated = false;
  private isDead = false;

  // Messages split into segments, waiting for the send window.
  private sndQueue: Segment[] = [];
  private sndQueueHead = 0;
  // Segments in flight, sn from sndBufBase on without gaps; acked ones become undefined.
  private sndBuf: (Segment | undefined)[] = [];
  private sndBufHead = 0;
  private sndBufBase = 0;
  // Received segments ahead of rcvNxt, and complete runs waiting to be read.
  private readonly rcvBuf = new Map<number, Segment>();
  private rcvQueue: Segment[] = [];
  private rcvQueueHead = 0;
  // Acks to send at the next flush: pairs of (sn, ts).
  private readonly acks: Uint32Array;
  private ackCount = 0;
  private readonly header: SegmentHeader = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };

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
    this.minRto = positiveInt('minRtoMs', options.minRtoMs ?? (this.nodelay ? RTO_NODELAY_MIN_MS : RTO_MIN_MS), 1, RTO_MAX_MS);
    this.rto = Math.max(this.rto, this.minRto);
    this.deadLink = positiveInt('deadLink', options.deadLink ?? KCP_DEFAULTS.deadLink, 1, 1_000_000);
    this.sendQueueLimit = positiveInt('sendQueueLimit', options.sendQueueLimit ?? KCP_DEFAULTS.sendQueueLimit, 1, 100_000_000);
    // Each received push is acked once per flush at most a window's worth; more wait for a resend.
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
    return this.sndQueue.length - this.sndQueueHead + this.inFlight;
  }

  /** Smoothed round-trip time in ms (0 before the first ack) and the current retransmission timeout. */
  get rtt(): { srttMs: number; rtoMs: number } {
    return { srttMs: this.srtt, rtoMs: this.rto };
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

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
      const segment = new Segment(copyBytes(message, start, Math.min(length, start + this.mss)));
      segment.frg = count - i - 1;
      this.sndQueue.push(segment);
    }
  }

  private get inFlight(): number {
    let n = 0;
    for (let i = this.sndBufHead; i < this.sndBuf.length; i++) if (this.sndBuf[i]) n++;
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Receiving

  /** The next whole message, or undefined when none is complete. */
  recv(): Uint8Array | undefined {
    for (;;) {
      const queued = this.rcvQueue.length - this.rcvQueueHead;
      if (queued === 0) return undefined;
      const first = this.rcvQueue[this.rcvQueueHead]!;
      const count = first.frg + 1;
      if (count > this.receiveWindow) {
        // A message that can never fit the window: the peer broke the fragment rule.
        this.discardReceived(1);
        continue;
      }
      if (queued < count) return undefined;
      let size = 0;
      let consistent = true;
      for (let k = 0; k < count; k++) {
        const segment = this.rcvQueue[this.rcvQueueHead + k]!;
        if (segment.frg !== first.frg - k) {
          consistent = false;
          this.discardReceived(k);
          break;
        }
        size += segment.data.length;
      }
      if (!consistent) continue;
      const recover = queued >= this.receiveWindow;
      const message = count === 1 ? first.data : this.join(count, size);
      this.rcvQueueHead += count;
      this.compactReceived();
      this.moveReceived();
      // The window was full and is not any more: tell the peer, which may be probing it.
      if (recover && this.rcvQueue.length - this.rcvQueueHead < this.receiveWindow) this.probe |= ASK_TELL;
      return message;
    }
  }

  private join(count: number, size: number): Uint8Array {
    const message = new Uint8Array(size);
    let at = 0;
    for (let k = 0; k < count; k++) {
      const data = this.rcvQueue[this.rcvQueueHead + k]!.data;
      message.set(data, at);
      at += data.length;
    }
    return message;
  }

  private discardReceived(count: number): void {
    this.stats.dropped.fragments += count;
    this.rcvQueueHead += count;
    this.compactReceived();
    this.moveReceived();
  }

  private compactReceived(): void {
    if (this.rcvQueueHead === this.rcvQueue.length) {
      this.rcvQueue = [];
      this.rcvQueueHead = 0;
    } else if (this.rcvQueueHead > 64 && this.rcvQueueHead * 2 > this.rcvQueue.length) {
      this.rcvQueue = this.rcvQueue.slice(this.rcvQueueHead);
      this.rcvQueueHead = 0;
    }
  }

  /** Moves the run of segments from rcvNxt on into the queue, as far as the window allows. */
  private moveReceived(): void {
    while (this.rcvQueue.length - this.rcvQueueHead < this.receiveWindow) {
      const segment = this.rcvBuf.get(this.rcvNxt);
      if (!segment) return;
      this.rcvBuf.delete(this.rcvNxt);
      this.rcvQueue.push(segment);
      this.rcvNxt = (this.rcvNxt + 1) >>> 0;
    }
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
      if (diff(h.una, this.sndNxt) > 0) {
        this.stats.dropped.una++;
        return;
      }
      const dataAt = offset + KCP_HEADER_BYTES;
      offset = dataAt + h.len;
      this.remoteWindow = h.wnd;
      this.ackUpTo(h.una);
      switch (h.cmd) {
        case KCP_CMD.ACK: {
          const rtt = diff(this.now >>> 0, h.ts);
          if (rtt >= 0 && this.updated) this.sampleRtt(rtt);
          this.ackOne(h.sn);
          if (!acked || diff(h.sn, maxAck) > 0) maxAck = h.sn;
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
    if (acked) this.countFastAcks(maxAck);
    if (this.congestionControl && diff(this.sndUna, unaBefore) > 0 && this.cwnd < this.remoteWindow) this.grow();
  }

  private onPush(h: SegmentHeader, datagram: Uint8Array, dataAt: number): void {
    if (diff(h.sn, (this.rcvNxt + this.receiveWindow) >>> 0) >= 0) {
      this.stats.dropped.window++;
      return;
    }
    if (this.ackCount * 2 < this.acks.length) {
      this.acks[this.ackCount * 2] = h.sn;
      this.acks[this.ackCount * 2 + 1] = h.ts;
      this.ackCount++;
    }
    this.stats.segmentsReceived++;
    if (diff(h.sn, this.rcvNxt) < 0 || this.rcvBuf.has(h.sn)) {
      this.stats.duplicates++;
      return;
    }
    const segment = new Segment(copyBytes(datagram, dataAt, dataAt + h.len));
    segment.sn = h.sn;
    segment.frg = h.frg;
    this.rcvBuf.set(h.sn, segment);
    this.moveReceived();
  }

  /** Everything below `una` arrived: drop it from the send buffer. */
  private ackUpTo(una: number): void {
    const count = Math.min(diff(una, this.sndBufBase), this.sndBuf.length - this.sndBufHead);
    for (let k = 0; k < count; k++) this.sndBuf[this.sndBufHead + k] = undefined;
    this.shrink();
  }

  private ackOne(sn: number): void {
    const k = diff(sn, this.sndBufBase);
    if (k < 0 || k >= this.sndBuf.length - this.sndBufHead) return;
    this.sndBuf[this.sndBufHead + k] = undefined;
    this.shrink();
  }

  private shrink(): void {
    while (this.sndBufHead < this.sndBuf.length && this.sndBuf[this.sndBufHead] === undefined) {
      this.sndBufHead++;
      this.sndBufBase = (this.sndBufBase + 1) >>> 0;
    }
    if (this.sndBufHead === this.sndBuf.length) {
      this.sndBuf = [];
      this.sndBufHead = 0;
    } else if (this.sndBufHead > 64 && this.sndBufHead * 2 > this.sndBuf.length) {
      this.sndBuf = this.sndBuf.slice(this.sndBufHead);
      this.sndBufHead = 0;
    }
    this.sndUna = this.sndBufHead < this.sndBuf.length ? this.sndBufBase : this.sndNxt;
  }

  /** Segments sent before the newest acked one were skipped once more. */
  private countFastAcks(maxAck: number): void {
    if (diff(maxAck, this.sndUna) < 0 || diff(maxAck, this.sndNxt) >= 0) return;
    const end = this.sndBufHead + diff(maxAck, this.sndBufBase);
    for (let i = this.sndBufHead; i < end; i++) {
      const segment = this.sndBuf[i];
      if (segment) segment.fastack++;
    }
  }

  private sampleRtt(rtt: number): void {
    if (this.srtt === 0) {
      this.srtt = rtt;
      this.rttVar = Math.floor(rtt / 2);
    } else {
      this.rttVar = Math.floor((3 * this.rttVar + Math.abs(rtt - this.srtt)) / 4);
      this.srtt = Math.max(1, Math.floor((7 * this.srtt + rtt) / 8));
    }
    const rto = this.srtt + Math.max(this.interval, 4 * this.rttVar);
    this.rto = Math.min(RTO_MAX_MS, Math.max(this.minRto, Math.floor(rto)));
  }

  /** Slow start below ssthresh, then about one segment per round trip. */
  private grow(): void {
    const mss = this.mss;
    if (this.cwnd < this.ssthresh) {
      this.cwnd++;
      this.incr += mss;
    } else {
      if (this.incr < mss) this.incr = mss;
      this.incr += Math.floor((mss * mss) / this.incr) + Math.floor(mss / 16);
      if ((this.cwnd + 1) * mss <= this.incr) this.cwnd = Math.floor((this.incr + mss - 1) / Math.max(1, mss));
    }
    if (this.cwnd > this.remoteWindow) {
      this.cwnd = this.remoteWindow;
      this.incr = this.remoteWindow * mss;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Flush: acks, window probes, new data, and resends, packed into datagrams up to the MTU.

  private out: Buffer | undefined;
  private outView: DataView | undefined;
  private outAt = 0;

  /** Sends what is due now: acks, window probes, new segments the windows allow, resends. */
  flush(): void {
    if (!this.updated) return;
    const now = this.now;
    const ts = now >>> 0;
    const wnd = this.unusedWindow();
    const una = this.rcvNxt;

    for (let i = 0; i < this.ackCount; i++) this.put(KCP_CMD.ACK, 0, wnd, this.acks[i * 2 + 1]!, this.acks[i * 2]!, una, undefined);
    this.ackCount = 0;

    // A zero window on the other side is asked about, less and less often, until it opens.
    if (this.remoteWindow === 0) {
      if (this.probeWait === 0) {
        this.probeWait = PROBE_INITIAL_MS;
        this.probeAt = now + this.probeWait;
      } else if (now >= this.probeAt) {
        this.probeWait = Math.min(PROBE_LIMIT_MS, this.probeWait + Math.floor(this.probeWait / 2));
        this.probeAt = now + this.probeWait;
        this.probe |= ASK_SEND;
      }
    } else {
      this.probeAt = 0;
      this.probeWait = 0;
    }
    if (this.probe & ASK_SEND) this.put(KCP_CMD.WINDOW_ASK, 0, wnd, ts, 0, una, undefined);
    if (this.probe & ASK_TELL) this.put(KCP_CMD.WINDOW_TELL, 0, wnd, ts, 0, una, undefined);
    this.probe = 0;

    // New segments enter flight while the windows allow.
    let window = Math.min(this.sendWindow, this.remoteWindow);
    if (this.congestionControl) window = Math.min(window, this.cwnd);
    while (diff(this.sndNxt, (this.sndUna + window) >>> 0) < 0 && this.sndQueueHead < this.sndQueue.length) {
      const segment = this.sndQueue[this.sndQueueHead]!;
      this.sndQueue[this.sndQueueHead++] = undefined as unknown as Segment;
      segment.sn = this.sndNxt;
      if (this.sndBuf.length === this.sndBufHead) this.sndBufBase = this.sndNxt;
      this.sndBuf.push(segment);
      this.sndNxt = (this.sndNxt + 1) >>> 0;
      this.sndUna = this.sndBufBase;
    }
    if (this.sndQueueHead === this.sndQueue.length) {
      this.sndQueue = [];
      this.sndQueueHead = 0;
    } else if (this.sndQueueHead > 1024 && this.sndQueueHead * 2 > this.sndQueue.length) {
      this.sndQueue = this.sndQueue.slice(this.sndQueueHead);
      this.sndQueueHead = 0;
    }

    const resendAfter = this.fastResend > 0 ? this.fastResend : Infinity;
    const rtoSlack = this.nodelay === 0 ? this.rto >> 3 : 0;
    let fastResent = false;
    let timedOut = false;
    for (let i = this.sndBufHead; i < this.sndBuf.length; i++) {
      const segment = this.sndBuf[i];
      if (!segment) continue;
      if (segment.xmit === 0) {
        segment.rto = this.rto;
        segment.resendAt = now + segment.rto + rtoSlack;
        this.stats.segmentsSent++;
      } else if (now >= segment.resendAt) {
        // Lost: back off, doubling (classic) or by half (nodelay), before trying again.
        if (this.nodelay === 0) segment.rto += Math.max(segment.rto, this.rto);
        else segment.rto += Math.floor((this.nodelay === 1 ? segment.rto : this.rto) / 2);
        segment.resendAt = now + segment.rto;
        this.stats.timeoutResends++;
        timedOut = true;
      } else if (segment.fastack >= resendAfter && (this.fastLimit === 0 || segment.xmit <= this.fastLimit)) {
        segment.fastack = 0;
        segment.resendAt = now + segment.rto;
        this.stats.fastResends++;
        fastResent = true;
      } else {
        continue;
      }
      segment.xmit++;
      segment.ts = ts;
      this.put(KCP_CMD.PUSH, segment.frg, wnd, ts, segment.sn, una, segment.data);
      if (segment.xmit >= this.deadLink) this.isDead = true;
    }
    this.emit();

    if (!this.congestionControl) return;
    if (fastResent) {
      // A fast resend means one loss: halve, then allow the segments that were acked past it.
      const inflight = diff(this.sndNxt, this.sndUna);
      this.ssthresh = Math.max(SSTHRESH_MIN, Math.floor(inflight / 2));
      this.cwnd = this.ssthresh + (Number.isFinite(resendAfter) ? resendAfter : 0);
      this.incr = this.cwnd * this.mss;
    }
    if (timedOut) {
      this.ssthresh = Math.max(SSTHRESH_MIN, Math.floor(this.cwnd / 2));
      this.cwnd = 1;
      this.incr = this.mss;
    }
    if (this.cwnd < 1) {
      this.cwnd = 1;
      this.incr = this.mss;
    }
  }

  private unusedWindow(): number {
    const queued = this.rcvQueue.length - this.rcvQueueHead;
    return queued < this.receiveWindow ? this.receiveWindow - queued : 0;
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
    this.now = Math.max(this.now, Math.floor(now));
    if (!this.updated) {
      this.updated = true;
      this.flushAt = this.now;
    }
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
   * When {@link update} should next be called: the next flush, or the earliest resend if sooner.
   * A scheduler keyed by this time drives many sessions without a timer each.
   */
  check(now: number): number {
    if (!this.updated) return now;
    let flushAt = this.flushAt;
    if (Math.abs(now - flushAt) >= 10_000) flushAt = now;
    if (now >= flushAt) return now;
    let next = Math.min(flushAt - now, this.interval);
    for (let i = this.sndBufHead; i < this.sndBuf.length; i++) {
      const segment = this.sndBuf[i];
      if (!segment) continue;
      const wait = segment.resendAt - now;
      if (wait <= 0) return now;
      if (wait < next) next = wait;
    }
    return now + next;
  }
}
