/**
 * The datagrams on their way through a link emulator, as a binary min-heap ordered by due time,
 * then by the order they were pushed, so that datagrams due at the same moment come out
 * first-in first-out. Push and pop are O(log n), which keeps a link with 100,000 datagrams in
 * flight cheap to drive.
 */

/** One datagram in flight. */
export interface PendingDatagram {
  /** When it reaches the far end, in the caller's milliseconds. */
  readonly due: number;
  /** Push order, unique: breaks ties between equal due times. */
  readonly seq: number;
  /** Index of the `send` call it came from; a duplicate shares its original's. */
  readonly origin: number;
  /** Its own copy of the bytes. */
  readonly bytes: Uint8Array;
}

/** A min-heap of {@link PendingDatagram} keyed by (due, push order). */
export class DatagramHeap {
  private readonly entries: PendingDatagram[] = [];
  private seqCounter = 0;

  /** Number of datagrams held. */
  get size(): number {
    return this.entries.length;
  }

  /** The earliest due time, or `Infinity` when empty. */
  peekDue(): number {
    return this.entries[0]?.due ?? Infinity;
  }

  /** Adds a datagram due at `due`; it comes out after any already held for the same time. */
  push(due: number, origin: number, bytes: Uint8Array): void {
    const entry: PendingDatagram = { due, seq: this.seqCounter++, origin, bytes };
    this.entries.push(entry);
    this.siftUp(entry, this.entries.length - 1);
  }

  /** Removes and returns the earliest datagram, or `undefined` when empty. */
  pop(): PendingDatagram | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top !== undefined && last !== undefined && entries.length > 0) this.siftDown(last, 0);
    return top;
  }

  // Both sifts move a hole rather than swapping, writing each displaced entry once.
  private siftUp(entry: PendingDatagram, i: number): void {
    const entries = this.entries;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = entries[p]!;
      if (!before(entry, parent)) break;
      entries[i] = parent;
      i = p;
    }
    entries[i] = entry;
  }

  private siftDown(entry: PendingDatagram, i: number): void {
    const entries = this.entries;
    const n = entries.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let child = entries[c]!;
      const right = entries[c + 1];
      if (right !== undefined && before(right, child)) {
        c++;
        child = right;
      }
      if (!before(child, entry)) break;
      entries[i] = child;
      i = c;
    }
    entries[i] = entry;
  }
}

function before(a: PendingDatagram, b: PendingDatagram): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
