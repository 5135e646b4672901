/**
 * KCP's congestion window, in segments: slow start below `ssthresh`, then growth of about
 * mss/cwnd + mss/16 bytes per ack event (counted in `incr`); halved on a fast resend, collapsed
 * to one segment on a timeout. Never above the peer's advertised window.
 */
const SSTHRESH_INITIAL = 2;
const SSTHRESH_MIN = 2;

/** The congestion state of one sender. */
export class CongestionWindow {
  cwnd = 0;
  ssthresh = SSTHRESH_INITIAL;
  private incr = 0;

  constructor(private readonly mss: number) {}

  /** New data was acked: open the window, up to the peer's. */
  grow(remoteWindow: number): void {
    if (this.cwnd >= remoteWindow) return;
    const mss = this.mss;
    if (this.cwnd < this.ssthresh) {
      this.cwnd++;
      this.incr += mss;
    } else {
      if (this.incr < mss) this.incr = mss;
      this.incr += Math.floor((mss * mss) / this.incr) + Math.floor(mss / 16);
      if ((this.cwnd + 1) * mss <= this.incr) this.cwnd = Math.floor((this.incr + mss - 1) / mss);
    }
    if (this.cwnd > remoteWindow) {
      this.cwnd = remoteWindow;
      this.incr = remoteWindow * mss;
    }
  }

  /** A segment was resent early: one loss. Halve what is in flight, plus the segments acked past it. */
  fastResent(inFlight: number, resendAfter: number): void {
    this.ssthresh = Math.max(SSTHRESH_MIN, Math.floor(inFlight / 2));
    this.cwnd = this.ssthresh + resendAfter;
    this.incr = this.cwnd * this.mss;
  }

  /** A segment timed out: start over from one segment. `window` is what the flush allowed. */
  timedOut(window: number): void {
    this.ssthresh = Math.max(SSTHRESH_MIN, Math.floor(window / 2));
    this.cwnd = 1;
    this.incr = this.mss;
  }

  /** Keeps at least one segment allowed. */
  atLeastOne(): void {
    if (this.cwnd < 1) {
      this.cwnd = 1;
      this.incr = this.mss;
    }
  }
}
