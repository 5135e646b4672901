/**
 * The retransmission timeout from round-trip samples, in whole milliseconds as the reference
 * keeps them: a smoothed RTT and its mean deviation (RFC 6298 weights 1/8 and 1/4), and
 * RTO = SRTT + max(flush interval, 4 × deviation), bounded.
 */
const RTO_INITIAL_MS = 200;
const RTO_MAX_MS = 60_000;

/** One endpoint's RTT estimate. */
export class RttEstimator {
  srtt = 0;
  rttVar = 0;
  rto: number;

  /**
   * @param minRto floor of the timeout.
   * @param interval the flush interval, which delays every ack by up to its length.
   */
  constructor(
    private readonly minRto: number,
    private readonly interval: number,
  ) {
    this.rto = Math.max(RTO_INITIAL_MS, minRto);
  }

  /** Takes one round-trip sample in ms. */
  sample(rtt: number): void {
    if (this.srtt === 0) {
      this.srtt = rtt;
      this.rttVar = Math.floor(rtt / 2);
    } else {
      this.rttVar = Math.floor((3 * this.rttVar + Math.abs(rtt - this.srtt)) / 4);
      this.srtt = Math.max(1, Math.floor((7 * this.srtt + rtt) / 8));
    }
    const rto = this.srtt + Math.max(this.interval, 4 * this.rttVar);
    this.rto = Math.min(RTO_MAX_MS, Math.max(this.minRto, rto));
  }
}

/** The largest retransmission timeout. */
export const KCP_RTO_MAX_MS = RTO_MAX_MS;
