/**
 * One direction of an emulated link, driven: a `LinkEmulator` (a pure state machine) given the
 * time by a clock, and woken by a shared timer service when its next datagram is due. One timer
 * at most per direction, on a service that many links share, so that thousands of emulated bots
 * cost one runtime timer, not thousands.
 */
import type { LinkEmulator } from '../../engine/net/emulator/link-emulator.js';
import type { Clock } from '../../engine/timer/clock.js';
import type { TimerId, TimerService } from '../../engine/timer/timer-service.js';

/** A {@link LinkEmulator} that delivers each datagram when it is due. */
export class EmulatedDirection {
  private timer: TimerId | undefined;
  private timerDue = Infinity;
  private closed = false;
  // Bound once: the timer service gets the same function on every re-arm.
  private readonly onDue = (): void => this.deliverDue();

  /**
   * @param link the emulated direction; only this object calls it from now on.
   * @param timers wakes this direction when a datagram is due.
   * @param clock the time passed to `link`, the one `timers` runs on.
   * @param deliver receives each datagram, in the order the link delivers them.
   */
  constructor(
    private readonly link: LinkEmulator,
    private readonly timers: TimerService,
    private readonly clock: Clock,
    private readonly deliver: (datagram: Uint8Array) => void,
  ) {}

  /** Datagrams sent and not yet delivered. */
  get inFlight(): number {
    return this.link.inFlight;
  }

  /**
   * Puts a datagram on the link now. Nothing is sent once closed.
   * @returns false when the link dropped it (loss, a full queue) or the direction is closed.
   * @throws RangeError when it is longer than a datagram holds (see `MAX_DATAGRAM_BYTES`).
   */
  send(datagram: Uint8Array): boolean {
    if (this.closed) return false;
    const before = this.link.inFlight;
    this.link.send(datagram, this.clock.now());
    if (this.link.inFlight === before) return false;
    this.arm();
    return true;
  }

  /** Stops delivering: what is in flight is dropped, and the timer cancelled. */
  close(): void {
    this.closed = true;
    this.disarm();
  }

  private deliverDue(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    for (const datagram of this.link.receive(this.clock.now())) {
      if (this.closed) return;
      this.deliver(datagram);
    }
    if (!this.closed) this.arm();
  }

  private arm(): void {
    const due = this.link.nextDueAt();
    if (due === undefined || due >= this.timerDue) return;
    this.disarm();
    this.timerDue = due;
    this.timer = this.timers.once(Math.max(0, due - this.clock.now()), this.onDue);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.cancel(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }
}
