/**
 * One direction of an emulated network link, for reproducing bad networks in tests: loss,
 * duplication, delay with jitter, reordering and a bandwidth bottleneck with a bounded queue.
 * A pure state machine: no sockets, no timers, no clock. The caller passes `now` (milliseconds on
 * any scale, never going backwards) to `send` and `receive`, and asks `nextDueAt` when to come back.
 *
 * What happens to a sent datagram, in this order (the order Linux netem applies its effects):
 *   loss → in-flight limits → bandwidth queue (tail drop) → serialization → delay → due.
 * The delay is latency + jitter, plus the reorder hold-back for the datagrams picked for it. A
 * duplicate is made past the bottleneck: it leaves with its original but draws its own delay.
 * With `preserveOrder`, a datagram is due no earlier than the one scheduled before it.
 *
 * Every random decision comes from the seed, and each effect draws from its own stream (loss,
 * duplication, delay, reorder), one draw per datagram for loss and for duplication. So the same
 * sends give the same outcome, and the datagrams picked for loss or duplication stay the same when
 * only the delays or the bandwidth change.
 */
import { Bottleneck } from './bottleneck.js';
import { DatagramHeap } from './datagram-heap.js';
import { MAX_DATAGRAM_BYTES, resolveLinkOptions, type LinkEmulatorOptions, type ResolvedLinkOptions } from './link-options.js';
import { SeededRandom } from './seeded-random.js';

export { LINK_DEFAULTS, MAX_DATAGRAM_BYTES } from './link-options.js';
export type { LinkEmulatorOptions, ResolvedLinkOptions } from './link-options.js';

/**
 * Counters of one emulated direction since it was made. They balance: `sent + duplicated` equals
 * `delivered + lost + droppedQueueFull + droppedInFlightFull` plus the datagrams still in flight.
 */
export interface LinkStats {
  /** Datagrams passed to `send`. */
  sent: number;
  /** Their bytes. */
  bytesSent: number;
  /** Datagrams returned by `receive`, duplicates included. */
  delivered: number;
  /** Their bytes. */
  bytesDelivered: number;
  /** Datagrams dropped by `lossRate`. */
  lost: number;
  /** Second copies made by `duplicateRate`. */
  duplicated: number;
  /** Datagrams given the extra `reorderDelayMs` by `reorderRate`. */
  heldBack: number;
  /**
   * Datagrams delivered after one sent later (reordered as RFC 4737 counts it), whether jitter or
   * the hold-back moved them; a datagram that overtakes several others counts once for each.
   */
  reordered: number;
  /** Datagrams dropped because the bandwidth queue was full. */
  droppedQueueFull: number;
  /** Datagrams dropped because `maxInFlight` or `maxInFlightBytes` was reached. */
  droppedInFlightFull: number;
}

/** One direction of an emulated link, driven by the caller's clock. */
export class LinkEmulator {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedLinkOptions;
  private readonly pending = new DatagramHeap();
  private readonly bottleneck: Bottleneck | undefined;
  private readonly lossRandom: SeededRandom;
  private readonly duplicateRandom: SeededRandom;
  private readonly delayRandom: SeededRandom;
  private readonly reorderRandom: SeededRandom;
  private lastNow = -Infinity;
  /** Due time of the datagram scheduled last, which an in-order link never delivers ahead of. */
  private lastDue = -Infinity;
  private bytesInFlight = 0;
  /** The highest send index delivered so far, to spot datagrams that come in behind it. */
  private latestOriginDelivered = -1;
  private readonly counters: LinkStats = {
    sent: 0,
    bytesSent: 0,
    delivered: 0,
    bytesDelivered: 0,
    lost: 0,
    duplicated: 0,
    heldBack: 0,
    reordered: 0,
    droppedQueueFull: 0,
    droppedInFlightFull: 0,
  };

  /**
   * @param options see {@link LinkEmulatorOptions}; checked here, once.
   * @throws RangeError for a bad option, TypeError when `options` is not an object (see `resolveLinkOptions`).
   */
  constructor(options: LinkEmulatorOptions) {
    this.options = resolveLinkOptions(options);
    const { bandwidthBytesPerSecond, maxQueuedBytes, seed } = this.options;
    this.bottleneck = bandwidthBytesPerSecond === undefined ? undefined : new Bottleneck(bandwidthBytesPerSecond, maxQueuedBytes);
    const root = new SeededRandom(seed);
    this.lossRandom = root.fork();
    this.duplicateRandom = root.fork();
    this.delayRandom = root.fork();
    this.reorderRandom = root.fork();
  }

  /** Datagrams sent and not yet received, duplicates included. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** A snapshot of the counters. */
  get stats(): LinkStats {
    return { ...this.counters };
  }

  /**
   * Puts a datagram on the link at time `now`. The bytes are copied, so the caller may reuse its
   * buffer at once. A datagram may be dropped here (loss, full queue, in-flight limits): like UDP,
   * nothing tells the sender; the drop only shows in {@link LinkEmulator.stats}.
   * @throws TypeError when `datagram` is not a Uint8Array.
   * @throws RangeError when it is longer than {@link MAX_DATAGRAM_BYTES} (a socket would refuse it
   *   too), or when `now` is not finite or is earlier than a previous call's.
   */
  send(datagram: Uint8Array, now: number): void {
    if (!(datagram instanceof Uint8Array)) throw new TypeError('LinkEmulator.send: datagram must be a Uint8Array');
    if (datagram.length > MAX_DATAGRAM_BYTES) {
      throw new RangeError(`LinkEmulator.send: ${datagram.length} bytes is more than a datagram holds (${MAX_DATAGRAM_BYTES})`);
    }
    this.moveTo(now, 'send');
    const { lossRate, duplicateRate } = this.options;
    const counters = this.counters;
    const origin = counters.sent++;
    counters.bytesSent += datagram.length;
    // Both draws are made for every datagram, so that each stream stays aligned with the send
    // index whatever the other effects decide.
    const lost = lossRate > 0 && this.lossRandom.chance(lossRate);
    const duplicate = duplicateRate > 0 && this.duplicateRandom.chance(duplicateRate);
    if (lost) {
      counters.lost++;
      return;
    }
    if (!this.hasRoomFor(datagram.length)) {
      counters.droppedInFlightFull++;
      return;
    }
    const departure = this.bottleneck === undefined ? now : this.bottleneck.admit(datagram.length, now);
    if (departure === undefined) {
      counters.droppedQueueFull++;
      return;
    }
    this.schedule(new Uint8Array(datagram), departure, origin);
    if (!duplicate) return;
    counters.duplicated++;
    // The copy is a separate buffer: a receiver that decrypts or edits one in place must not
    // change the other.
    if (this.hasRoomFor(datagram.length)) this.schedule(new Uint8Array(datagram), departure, origin);
    else counters.droppedInFlightFull++;
  }

  /**
   * Takes every datagram due at or before `now`, in due-time order, datagrams due at the same
   * time in the order they were sent. Empty when none is due.
   * @throws RangeError when `now` is not finite or is earlier than a previous call's.
   */
  receive(now: number): Uint8Array[] {
    this.moveTo(now, 'receive');
    const due: Uint8Array[] = [];
    const counters = this.counters;
    while (this.pending.peekDue() <= now) {
      const datagram = this.pending.pop()!;
      due.push(datagram.bytes);
      this.bytesInFlight -= datagram.bytes.length;
      counters.delivered++;
      counters.bytesDelivered += datagram.bytes.length;
      if (datagram.origin < this.latestOriginDelivered) counters.reordered++;
      else this.latestOriginDelivered = datagram.origin;
    }
    return due;
  }

  /** When the next datagram is due, for a scheduler driving a manual clock; `undefined` when none is in flight. */
  nextDueAt(): number | undefined {
    return this.pending.size > 0 ? this.pending.peekDue() : undefined;
  }

  private hasRoomFor(size: number): boolean {
    return this.pending.size < this.options.maxInFlight && this.bytesInFlight + size <= this.options.maxInFlightBytes;
  }

  private schedule(bytes: Uint8Array, departure: number, origin: number): void {
    const { latencyMs, jitterMs, reorderRate, reorderDelayMs } = this.options;
    let delay = latencyMs;
    if (jitterMs > 0) delay += this.delayRandom.next() * jitterMs;
    if (reorderRate > 0 && this.reorderRandom.chance(reorderRate)) {
      delay += reorderDelayMs;
      this.counters.heldBack++;
    }
    const due = this.options.preserveOrder ? Math.max(departure + delay, this.lastDue) : departure + delay;
    this.lastDue = due;
    this.pending.push(due, origin, bytes);
    this.bytesInFlight += bytes.length;
  }

  private moveTo(now: number, method: string): void {
    if (!Number.isFinite(now)) throw new RangeError(`LinkEmulator.${method}: now must be a finite number, got ${now}`);
    if (now < this.lastNow) throw new RangeError(`LinkEmulator.${method}: now ${now} is earlier than ${this.lastNow}`);
    this.lastNow = now;
  }
}
