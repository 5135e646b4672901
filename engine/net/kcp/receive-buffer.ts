/**
 * The receive side: segments that arrived ahead of the next expected one wait in a map; the run
 * from the next expected one on moves to a queue of at most one window, from which whole messages
 * are taken. A message whose fragment numbers do not count down, or that could never fit the
 * window, is discarded and counted: only a broken peer sends one.
 */
import { seqDiff, type KcpSegment } from './kcp-segment.js';

/** What became of a pushed segment. */
export type PushOutcome = 'stored' | 'duplicate' | 'outside';

/** Received segments, in order, up to one receive window. */
export class ReceiveBuffer {
  /** Next sequence number expected. */
  next = 0;
  /** Fragments discarded from broken messages. */
  discarded = 0;
  private readonly ahead = new Map<number, KcpSegment>();
  private queue: KcpSegment[] = [];
  private head = 0;

  /** @param window segments buffered at most, ahead and queued. */
  constructor(private readonly window: number) {}

  /** Segments queued for reading. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Free room in the window, as advertised to the peer. */
  get unusedWindow(): number {
    return this.queued < this.window ? this.window - this.queued : 0;
  }

  /** Whether `sn` lies inside the window, so that it is worth acking. */
  inWindow(sn: number): boolean {
    return seqDiff(sn, (this.next + this.window) >>> 0) < 0;
  }

  /** Stores a pushed segment (its `sn` set), unless it is a duplicate or outside the window. */
  push(segment: KcpSegment): PushOutcome {
    if (!this.inWindow(segment.sn)) return 'outside';
    if (seqDiff(segment.sn, this.next) < 0 || this.ahead.has(segment.sn)) return 'duplicate';
    this.ahead.set(segment.sn, segment);
    this.advance();
    return 'stored';
  }

  /**
   * The next whole message, or undefined when none is complete.
   * @param onRecovered called when the queue was full and is not any more (the peer may be
   *   waiting for the window to open).
   */
  take(onRecovered: () => void): Uint8Array | undefined {
    for (;;) {
      const queued = this.queued;
      if (queued === 0) return undefined;
      const first = this.queue[this.head]!;
      const count = first.frg + 1;
      if (count > this.window) {
        this.discard(1);
        continue;
      }
      if (queued < count) return undefined;
      let size = 0;
      let broken = -1;
      for (let k = 0; k < count; k++) {
        const segment = this.queue[this.head + k]!;
        if (segment.frg !== first.frg - k) {
          broken = k;
          break;
        }
        size += segment.data.length;
      }
      if (broken >= 0) {
        this.discard(broken);
        continue;
      }
      const wasFull = queued >= this.window;
      const message = count === 1 ? first.data : this.join(count, size);
      this.head += count;
      this.compact();
      this.advance();
      if (wasFull && this.queued < this.window) onRecovered();
      return message;
    }
  }

  private join(count: number, size: number): Uint8Array {
    const message = new Uint8Array(size);
    let at = 0;
    for (let k = 0; k < count; k++) {
      const data = this.queue[this.head + k]!.data;
      message.set(data, at);
      at += data.length;
    }
    return message;
  }

  private discard(count: number): void {
    this.discarded += count;
    this.head += count;
    this.compact();
    this.advance();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Moves the run from `next` on into the queue, as far as the window allows. */
  private advance(): void {
    while (this.queued < this.window) {
      const segment = this.ahead.get(this.next);
      if (!segment) return;
      this.ahead.delete(this.next);
      this.queue.push(segment);
      this.next = (this.next + 1) >>> 0;
    }
  }
}
