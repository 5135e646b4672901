/**
 * A binary min-heap of timers ordered by due time, then by insertion order, so that timers with
 * equal deadlines come out first-in first-out. Timers are named by slot (a small integer, see
 * timer-slots.ts) and the heap keeps each slot's position, which makes removing an arbitrary timer
 * O(log n): cancelled timers leave the heap at once instead of lingering as tombstones that grow
 * without bound under schedule/cancel churn.
 *
 * Everything lives in typed arrays, so sifting never touches a timer's record object: at 100k
 * timers, chasing one object per level is what costs (cache misses), not the comparisons.
 */

const INITIAL_CAPACITY = 64;

/** A min-heap of slots keyed by (due, insertion order), with O(log n) insert, pop and remove. */
export class TimerHeap {
  // By heap position: the slot, its due time and its insertion sequence number.
  private slots = new Int32Array(INITIAL_CAPACITY);
  private dues = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  // By slot: its heap position, or -1 when absent.
  private positions = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private length = 0;
  private seqCounter = 0;

  /** Number of slots in the heap. */
  get size(): number {
    return this.length;
  }

  /**
   * The sequence number the next {@link TimerHeap.insert} will assign. Every slot inserted from
   * now on has a sequence number at least this large, which lets a caller tell old entries from new.
   */
  get nextSeq(): number {
    return this.seqCounter;
  }

  /** The earliest slot, or -1 when empty. */
  peekSlot(): number {
    return this.length > 0 ? this.slots[0]! : -1;
  }

  /** The earliest due time, or `Infinity` when empty. */
  peekDue(): number {
    return this.length > 0 ? this.dues[0]! : Infinity;
  }

  /** The earliest entry's sequence number, or `Infinity` when empty. */
  peekSeq(): number {
    return this.length > 0 ? this.seqs[0]! : Infinity;
  }

  /** Whether `slot` is in the heap. */
  has(slot: number): boolean {
    return (this.positions[slot] ?? -1) >= 0;
  }

  /**
   * Adds `slot` due at `due`, with the next sequence number (re-inserting a popped slot therefore
   * queues it behind everything already waiting for the same deadline).
   * @throws RangeError when `slot` is not an integer >= 0.
   * @throws Error when `slot` is already in the heap.
   */
  insert(slot: number, due: number): void {
    if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`TimerHeap.insert: bad slot ${slot}`);
    if (slot >= this.positions.length) this.growPositions(slot);
    if (this.positions[slot]! >= 0) throw new Error(`TimerHeap.insert: slot ${slot} is already in the heap`);
    if (this.length === this.slots.length) this.growEntries();
    this.siftUp(slot, due, this.seqCounter++, this.length++);
  }

  /** Removes and returns the earliest slot; -1 when empty. */
  pop(): number {
    if (this.length === 0) return -1;
    const slot = this.slots[0]!;
    this.removeAt(0);
    return slot;
  }

  /** Removes `slot` if it is in the heap; returns whether it was. */
  remove(slot: number): boolean {
    const i = this.positions[slot] ?? -1;
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Removes every slot. */
  clear(): void {
    for (let i = 0; i < this.length; i++) this.positions[this.slots[i]!] = -1;
    this.length = 0;
  }

  private growEntries(): void {
    const size = this.slots.length * 2;
    this.slots = grown(new Int32Array(size), this.slots);
    this.dues = grown(new Float64Array(size), this.dues);
    this.seqs = grown(new Float64Array(size), this.seqs);
  }

  private growPositions(slot: number): void {
    let size = this.positions.length * 2;
    while (size <= slot) size *= 2;
    this.positions = grown(new Int32Array(size).fill(-1), this.positions);
  }

  private removeAt(i: number): void {
    this.positions[this.slots[i]!] = -1;
    const n = --this.length;
    if (i === n) return;
    // The last entry fills the hole; it may belong above it (when the hole sat in another
    // subtree) or below it, so try both directions.
    const slot = this.slots[n]!;
    const due = this.dues[n]!;
    const seq = this.seqs[n]!;
    const p = (i - 1) >> 1;
    if (i > 0 && (due < this.dues[p]! || (due === this.dues[p]! && seq < this.seqs[p]!))) {
      this.siftUp(slot, due, seq, i);
    } else {
      this.siftDown(slot, due, seq, i);
    }
  }

  // Both sifts move a hole rather than swapping, writing each displaced entry once.
  private siftUp(slot: number, due: number, seq: number, i: number): void {
    const { dues, seqs } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pDue = dues[p]!;
      if (due > pDue || (due === pDue && seq > seqs[p]!)) break;
      this.place(this.slots[p]!, pDue, seqs[p]!, i);
      i = p;
    }
    this.place(slot, due, seq, i);
  }

  private siftDown(slot: number, due: number, seq: number, i: number): void {
    const { dues, seqs } = this;
    const n = this.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let cDue = dues[c]!;
      const r = c + 1;
      if (r < n) {
        const rDue = dues[r]!;
        if (rDue < cDue || (rDue === cDue && seqs[r]! < seqs[c]!)) {
          c = r;
          cDue = rDue;
        }
      }
      if (due < cDue || (due === cDue && seq < seqs[c]!)) break;
      this.place(this.slots[c]!, cDue, seqs[c]!, i);
      i = c;
    }
    this.place(slot, due, seq, i);
  }

  private place(slot: number, due: number, seq: number, i: number): void {
    this.slots[i] = slot;
    this.dues[i] = due;
    this.seqs[i] = seq;
    this.positions[slot] = i;
  }
}

function grown<A extends Int32Array | Float64Array>(to: A, from: A): A {
  to.set(from);
  return to;
}
