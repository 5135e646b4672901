/** The settings and counters of a KCP endpoint, and the tuning presets. */

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
