/**
 * The table of live timer records, indexed by slot. A timer id encodes its slot and the slot's
 * generation, so looking a timer up is an array read instead of a Map lookup, and a freed record is
 * reused by the next timer: under steady churn scheduling allocates nothing.
 *
 * Free slots are found by a cursor sweeping a bitmap in ascending order rather than popped from a
 * stack: timers fire in deadline order, which frees slots in random order, and reusing them in that
 * order makes every schedule a cache miss on 100k records. Ascending reuse walks memory in order.
 */
import type { TimerCallback, TimerId, TimerKey } from './types.js';

// id = generation * SLOT_LIMIT + slot + 1, so the first timers get ids 1, 2, 3...
const SLOT_LIMIT = 2 ** 24;
// Keeps every id a safe integer; a slot that reaches it is retired, so no id is ever reused.
const GENERATION_LIMIT = 2 ** 29 - 1;

/** The state of one timer; owned by {@link TimerSlots} and reused once released. */
export class TimerRecord {
  /** The live timer's id; 0 while the record is free. */
  id = 0;
  /** Firings so far. */
  count = 0;
  /** Repeat interval in ms; 0 for a one-shot timer. */
  interval = 0;
  /** Firings before the timer is done. */
  times = 1;
  /** What to call; `undefined` while the record is free. */
  callback: TimerCallback | undefined = undefined;
  /** The timer's key for cancelKey, if any. */
  key: TimerKey | undefined = undefined;
  /** How many timers this slot has held before the current one; part of the id. */
  generation = 0;

  constructor(readonly slot: number) {}
}

/** Live timer records by id. */
export class TimerSlots {
  private readonly records: TimerRecord[] = [];
  // Bit s set: slot s is free for reuse. Retired slots are never set again.
  private freeBits = new Uint32Array(64);
  private freeCount = 0;
  // The bitmap word where the sweep for a free slot resumes.
  private cursor = 0;
  private live = 0;

  /** Number of live records. */
  get size(): number {
    return this.live;
  }

  /**
   * A fresh record with a new id; the caller fills in the rest.
   * @throws RangeError when 2^24 timers are already live.
   */
  acquire(): TimerRecord {
    let record: TimerRecord;
    const total = this.records.length;
    // Reuse only while free slots are at least 1/8 of the table: the sweep then finds one in a few
    // words on average, where a nearly full table would be scanned end to end for each.
    if (this.freeCount > 0 && (this.freeCount * 8 >= total || total === SLOT_LIMIT)) {
      record = this.records[this.takeFreeSlot()]!;
      record.generation++;
      record.count = 0;
    } else {
      if (total === SLOT_LIMIT) throw new RangeError(`more than ${SLOT_LIMIT} live timers`);
      record = new TimerRecord(total);
      this.records.push(record);
      if (total >> 5 >= this.freeBits.length) this.growBits();
    }
    record.id = record.generation * SLOT_LIMIT + record.slot + 1;
    this.live++;
    return record;
  }

  /** The live record for `id`, or `undefined` (also for ids that are not ids at all). */
  get(id: TimerId): TimerRecord | undefined {
    const record = this.records[(id - 1) % SLOT_LIMIT];
    return record !== undefined && record.id === id ? record : undefined;
  }

  /** The record in `slot`, live or free; `undefined` for a slot never used. */
  at(slot: number): TimerRecord | undefined {
    return this.records[slot];
  }

  /** Frees a live record; its id stops resolving at once. */
  release(record: TimerRecord): void {
    record.id = 0;
    // Drop references so a finished timer's closure and key can be collected.
    record.callback = undefined;
    record.key = undefined;
    this.live--;
    if (record.generation + 1 < GENERATION_LIMIT) {
      this.freeBits[record.slot >> 5]! |= 1 << (record.slot & 31);
      this.freeCount++;
    }
  }

  /**
   * Frees every record and the memory they hold; ids issued so far never resolve again. Only for
   * an owner that acquires nothing afterwards: later ids would repeat earlier ones.
   */
  clear(): void {
    this.records.length = 0;
    this.freeBits = new Uint32Array(64);
    this.freeCount = 0;
    this.cursor = 0;
    this.live = 0;
  }

  // Clears and returns the first free slot at or after the cursor, wrapping; one must exist.
  private takeFreeSlot(): number {
    const bits = this.freeBits;
    const words = (this.records.length + 31) >> 5;
    let w = this.cursor;
    while (bits[w] === 0) w = w + 1 < words ? w + 1 : 0;
    const word = bits[w]!;
    const bit = 31 - Math.clz32(word & -word);
    bits[w] = word & (word - 1);
    this.cursor = w;
    this.freeCount--;
    return (w << 5) | bit;
  }

  private growBits(): void {
    const bits = new Uint32Array(this.freeBits.length * 2);
    bits.set(this.freeBits);
    this.freeBits = bits;
  }
}
