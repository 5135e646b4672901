/**
 * The segments in flight, in sequence order without gaps from `base` on. An ack clears a slot in
 * O(1) (its index is its distance from `base`); cleared slots at the front are dropped as `base`
 * moves up, so the buffer holds at most one send window.
 */
import { seqDiff, type KcpSegment } from './kcp-segment.js';

/** Segments sent and not yet acked. */
export class SendBuffer {
  private slots: (KcpSegment | undefined)[] = [];
  private head = 0;
  /** Sequence number of `slots[head]`. */
  private base = 0;
  private payloadBytes = 0;

  /** True when nothing is in flight. */
  get empty(): boolean {
    return this.head === this.slots.length;
  }

  /** The oldest unacked sequence number, when something is in flight. */
  get firstUnacked(): number | undefined {
    return this.empty ? undefined : this.base;
  }

  /** Segments in flight. */
  get count(): number {
    let n = 0;
    for (let i = this.head; i < this.slots.length; i++) if (this.slots[i]) n++;
    return n;
  }

  /** Payload bytes of the segments in flight. */
  get bytes(): number {
    return this.payloadBytes;
  }

  /** Adds the next segment in sequence (`segment.sn` must follow the last one added). */
  push(segment: KcpSegment): void {
    if (this.empty) this.base = segment.sn;
    this.slots.push(segment);
    this.payloadBytes += segment.data.length;
  }

  /** Everything below `una` arrived. */
  ackUpTo(una: number): void {
    const count = Math.min(seqDiff(una, this.base), this.slots.length - this.head);
    for (let k = 0; k < count; k++) this.clear(this.head + k);
    this.shrink();
  }

  /** Segment `sn` arrived. */
  ack(sn: number): void {
    const k = seqDiff(sn, this.base);
    if (k < 0 || k >= this.slots.length - this.head) return;
    this.clear(this.head + k);
    this.shrink();
  }

  /** Counts one more skip for every unacked segment sent before `sn`. */
  skippedBefore(sn: number): void {
    const k = seqDiff(sn, this.base);
    const end = this.head + Math.min(k, this.slots.length - this.head);
    for (let i = this.head; i < end; i++) {
      const segment = this.slots[i];
      if (segment) segment.fastack++;
    }
  }

  /** Calls `visit` for every segment in flight, oldest first. */
  forEach(visit: (segment: KcpSegment) => void): void {
    for (let i = this.head; i < this.slots.length; i++) {
      const segment = this.slots[i];
      if (segment) visit(segment);
    }
  }

  private clear(index: number): void {
    const segment = this.slots[index];
    if (!segment) return;
    this.payloadBytes -= segment.data.length;
    this.slots[index] = undefined;
  }

  private shrink(): void {
    while (this.head < this.slots.length && this.slots[this.head] === undefined) {
      this.head++;
      this.base = (this.base + 1) >>> 0;
    }
    if (this.head === this.slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }
}
