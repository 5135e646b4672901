/**
 * The requests a {@link GateClient} sent and waits on: their ids, their timeouts, and how a reply
 * or an error reply settles them. Every request waits here until it is answered, times out, fails
 * with its connection, or is taken out to be sent again on the next one during a move.
 */
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { MESSAGE_KIND } from '../engine/protocol/constants.js';
import type { Message } from '../engine/protocol/message.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import { ClientError } from './errors.js';
import { RequestError, asErrorBody } from './request-error.js';

/** A request waiting for its reply. */
export interface PendingRequest {
  route: string;
  payload: Uint8Array;
  resolve(payload: Uint8Array): void;
  reject(err: Error): void;
}

interface Entry extends PendingRequest {
  timer: ClockTimer;
}

const codec = new MsgpackCodec();

/** Request ids from 1 to 0xffff_fffe, wrapping; a wrapped id is free long before it comes round. */
const LAST_ID = 0xffff_fffe;

export class PendingRequests {
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Waits for the reply to a request with a new id, which `send` sends; rejects with
   * CLIENT_ERR_REQUEST_TIMEOUT after `timeoutMs`, or with what `send` throws (the request is then
   * forgotten).
   */
  add(route: string, payload: Uint8Array, timeoutMs: number, send: (id: number) => void): Promise<Uint8Array> {
    const id = this.nextId;
    this.nextId = this.nextId >= LAST_ID ? 1 : this.nextId + 1;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimer(() => {
        this.forget(id);
        reject(new ClientError('CLIENT_ERR_REQUEST_TIMEOUT', `${route}: no reply after ${timeoutMs} ms`));
      }, timeoutMs);
      this.entries.set(id, { route, payload, resolve, reject, timer });
      try {
        send(id);
      } catch (err) {
        this.take(id);
        reject(err as Error);
      }
    });
  }

  /**
   * Settles the request a response or error message answers: a response with its payload, an
   * error with a RequestError, or ClientError CLIENT_ERR_BAD_REPLY when the error body is not
   * msgpack `{ code, name, message }`. A reply to no waiting request is dropped.
   */
  settle(message: Message): void {
    if (message.kind !== MESSAGE_KIND.RESPONSE && message.kind !== MESSAGE_KIND.ERROR) return;
    const pending = this.take(message.id);
    if (!pending) return;
    if (message.kind === MESSAGE_KIND.RESPONSE) {
      pending.resolve(message.payload);
      return;
    }
    let decoded: unknown;
    try {
      decoded = codec.decode(message.payload);
    } catch (err) {
      pending.reject(new ClientError('CLIENT_ERR_BAD_REPLY', `${pending.route}: the error body is not msgpack (${(err as Error).message})`, { cause: err }));
      return;
    }
    const body = asErrorBody(decoded);
    pending.reject(body ? new RequestError(pending.route, body) : new ClientError('CLIENT_ERR_BAD_REPLY', `${pending.route}: the error body is not { code, name, message }`));
  }

  /** Rejects every waiting request with `error`. */
  failAll(error: Error): void {
    for (const pending of this.takeAll()) pending.reject(error);
  }

  /** Stops waiting on every request and hands them over, in the order they were sent. */
  takeAll(): PendingRequest[] {
    return [...this.entries.keys()].map((id) => this.take(id)!);
  }

  /** Resolves once no request waits, or at once when `closed`: nothing will answer those that do. */
  whenIdle(closed: boolean): Promise<void> {
    if (this.entries.size === 0 || closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private take(id: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.clock.clearTimer(entry.timer);
    this.forget(id);
    return entry;
  }

  private forget(id: number): void {
    this.entries.delete(id);
    if (this.entries.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
