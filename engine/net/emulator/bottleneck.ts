/**
 * A bandwidth bottleneck with a bounded FIFO queue in front of it, as on a router's outgoing
 * port. Each datagram occupies the link for `size / bytesPerSecond`, starting when the link is
 * free; the ones waiting or being serialized form the queue, and a datagram that would take the
 * queue past its byte limit is refused (tail drop).
 *
 * The queue is a FIFO of finish times, so its byte count is exact: a datagram leaves it at the
 * moment its last byte is on the wire.
 */

/** A serializing link of fixed rate with a tail-drop queue. */
export class Bottleneck {
  /** When the link finishes the last datagram accepted. */
  private freeAt = -Infinity;
  // The queued datagrams in order: when each finishes, and its size. Entries before `head` have
  // left; the arrays are compacted once that dead prefix is at least half of them.
  private finishes: number[] = [];
  private sizes: number[] = [];
  private head = 0;
  private queued = 0;

  /**
   * @param bytesPerSecond the link's rate, > 0.
   * @param maxQueuedBytes the most bytes waiting or being serialized at once.
   */
  constructor(
    private readonly bytesPerSecond: number,
    private readonly maxQueuedBytes: number,
  ) {}

  /** Bytes waiting or being serialized at the time of the last {@link Bottleneck.admit}. */
  get queuedBytes(): number {
    return this.queued;
  }

  /**
   * Offers a datagram of `size` bytes at time `now` (never earlier than the previous call's).
   * @returns when its last byte leaves the link, or `undefined` when the queue is full and it is dropped.
   */
  admit(size: number, now: number): number | undefined {
    this.release(now);
    if (this.queued + size > this.maxQueuedBytes) return undefined;
    const finish = Math.max(now, this.freeAt) + (size * 1000) / this.bytesPerSecond;
    this.freeAt = finish;
    this.finishes.push(finish);
    this.sizes.push(size);
    this.queued += size;
    return finish;
  }

  private release(now: number): void {
    const { finishes, sizes } = this;
    let head = this.head;
    while (head < finishes.length && finishes[head]! <= now) this.queued -= sizes[head++]!;
    if (head > 0 && head * 2 >= finishes.length) {
      finishes.splice(0, head);
      sizes.splice(0, head);
      head = 0;
    }
    this.head = head;
  }
}
