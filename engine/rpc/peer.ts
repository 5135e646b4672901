/**
 * What one server knows about one other server: the link in use, a dial in progress, calls
 * waiting for a reply, and frames waiting for a link. Frames queue only while no link is open,
 * and that queue is capped like a link's own.
 */
import type { TimerId } from '../timer/types.js';
import type { Deadlined, Lane } from './call-deadlines.js';
import { RpcError } from './errors.js';
import type { Link } from './link.js';

/** A call waiting for its reply. */
export class PendingCall implements Deadlined {
  deadline = 0;
  settled = false;
  lane: Lane | undefined = undefined;

  /**
   * @param peer where it was sent.
   * @param scope the service or component, and `method` the method, for error messages.
   */
  constructor(
    readonly id: number,
    readonly peer: Peer,
    readonly scope: string,
    readonly method: string,
    readonly timeoutMs: number,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: Error) => void,
  ) {}
}

/** The state kept per peer server. */
export class Peer {
  /** The open link that calls go out on. */
  link: Link | undefined;
  /** A link this side dialed that is still in its handshake. */
  dialing: Link | undefined;
  /** True while a TCP connect is in progress. */
  connecting = false;
  /** Dial failures in a row, for the backoff. */
  failures = 0;
  /** No dial before this time. */
  nextDialAt = 0;
  /** A dial scheduled for {@link nextDialAt}. */
  redial: TimerId | undefined;
  /** Calls sent to this peer that have no reply yet, by call id. */
  readonly pending = new Map<number, PendingCall>();
  private queue: Uint8Array[] = [];
  private queueBytes = 0;

  /**
   * @param id the peer's server id.
   * @param maxQueuedBytes cap on frames waiting for a link.
   */
  constructor(
    readonly id: string,
    private readonly maxQueuedBytes: number,
  ) {}

  /** Whether nothing refers to this peer any more. */
  get idle(): boolean {
    return !this.link && !this.dialing && !this.connecting && this.pending.size === 0 && this.queue.length === 0 && this.redial === undefined;
  }

  /**
   * Keeps an encoded frame until a link opens.
   * @throws RpcError `RPC_ERR_OVERLOADED` past the cap.
   */
  enqueue(frame: Uint8Array): void {
    if (this.queueBytes + frame.length > this.maxQueuedBytes) {
      throw new RpcError('RPC_ERR_OVERLOADED', `${this.queueBytes} bytes wait for a link to ${this.id}, cap ${this.maxQueuedBytes}`);
    }
    this.queue.push(frame);
    this.queueBytes += frame.length;
  }

  /** Hands the waiting frames over, oldest first, and forgets them. */
  takeQueue(): Uint8Array[] {
    const frames = this.queue;
    this.queue = [];
    this.queueBytes = 0;
    return frames;
  }

  /**
   * Drops the waiting frames and takes every pending call out.
   * @returns the calls, for the caller to settle.
   */
  takePending(): PendingCall[] {
    this.takeQueue();
    if (this.pending.size === 0) return [];
    const calls = [...this.pending.values()];
    this.pending.clear();
    return calls;
  }
}
