/**
 * What one server knows about one other server: the link in use, a dial in progress, calls
 * waiting for a reply, and frames waiting for a link. Frames queue only while no link is open,
 * and that queue is capped like a link's own.
 */
import type { TimerId } from '../timer/types.js';
import { FRAME_HEADER_BYTES } from '../codec/frame-decoder.js';
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

/** An encoded envelope waiting for a link. */
export interface QueuedFrame {
  frame: Uint8Array;
  /** For a CALL: its deadline, so that the budget sent is what is left when the link opens. */
  deadline: number | undefined;
}

// Room kept free in a new link's send queue for the handshake frames, so that the frames queued
// while dialing always fit (their budgets, re-encoded, never grow).
const HANDSHAKE_RESERVE_BYTES = 1024;

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
  private queue: QueuedFrame[] = [];
  private queueBytes = 0;
  private readonly maxQueueBytes: number;

  /**
   * @param id the peer's server id.
   * @param maxQueuedBytes cap on frames waiting for a link.
   */
  constructor(
    readonly id: string,
    maxQueuedBytes: number,
  ) {
    this.maxQueueBytes = Math.max(0, maxQueuedBytes - HANDSHAKE_RESERVE_BYTES);
  }

  /** Bytes of the frames waiting for a link, frame headers included. */
  get queuedBytes(): number {
    return this.queueBytes;
  }

  /** Whether nothing refers to this peer any more. */
  get idle(): boolean {
    return !this.link && !this.dialing && !this.connecting && this.pending.size === 0 && this.queue.length === 0 && this.redial === undefined;
  }

  /**
   * Keeps an encoded frame until a link opens. Bytes are counted as the link's writer counts
   * them (with frame headers), under its cap less room for the handshake.
   * @throws RpcError `RPC_ERR_OVERLOADED` past the cap.
   */
  enqueue(frame: Uint8Array, deadline: number | undefined): void {
    const size = FRAME_HEADER_BYTES + frame.length;
    if (this.queueBytes + size > this.maxQueueBytes) {
      throw new RpcError('RPC_ERR_OVERLOADED', `${this.queueBytes} bytes wait for a link to ${this.id}, cap ${this.maxQueueBytes}`);
    }
    this.queue.push({ frame, deadline });
    this.queueBytes += size;
  }

  /** Hands the waiting frames over, oldest first, and forgets them. */
  takeQueue(): QueuedFrame[] {
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
