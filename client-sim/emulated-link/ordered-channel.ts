/**
 * A message channel over one emulated direction that keeps order and loses nothing, as TCP and
 * WebSocket do: each message arrives whole, in the order sent, and the end arrives after the last
 * message. A message longer than a datagram travels as several, and is put together again on
 * arrival; the end travels as an empty datagram, so it takes the latency, and the bandwidth
 * queue, of the data in front of it.
 */
import { MAX_DATAGRAM_BYTES } from '../../engine/net/emulator/link-emulator.js';
import type { EmulatedDirection } from './emulated-direction.js';

/** Where an {@link OrderedChannel} delivers. */
export interface OrderedChannelEvents {
  onMessage(message: Uint8Array): void;
  onEnd(): void;
}

/** Whole messages through an {@link EmulatedDirection} that preserves order and drops nothing but on overflow. */
export class OrderedChannel {
  private sent = 0;
  private delivered = 0;
  // The messages sent as more than one datagram: the index of the first and how many, oldest first.
  private readonly split: Array<{ first: number; count: number }> = [];
  private parts: Uint8Array[] | undefined;
  private partsLeft = 0;
  private ended = false;
  private readonly direction: EmulatedDirection;

  /**
   * @param make builds the direction given the function that receives its datagrams.
   * @param events receives the messages and the end.
   */
  constructor(make: (deliver: (datagram: Uint8Array) => void) => EmulatedDirection, private readonly events: OrderedChannelEvents) {
    this.direction = make((datagram) => this.arrive(datagram));
  }

  /**
   * Sends a message; an empty one is not sent (it would read as the end).
   * @returns false when the direction's buffer is full (the message is lost: the caller must close).
   */
  write(message: Uint8Array): boolean {
    if (message.length === 0 || this.ended) return true;
    if (message.length <= MAX_DATAGRAM_BYTES) return this.put(message);
    const count = Math.ceil(message.length / MAX_DATAGRAM_BYTES);
    this.split.push({ first: this.sent, count });
    for (let at = 0; at < message.length; at += MAX_DATAGRAM_BYTES) {
      if (!this.put(message.subarray(at, at + MAX_DATAGRAM_BYTES))) return false;
    }
    return true;
  }

  /**
   * Sends the end, behind every message written; nothing is written after it.
   * @returns false when the direction's buffer is full.
   */
  end(): boolean {
    if (this.ended) return true;
    this.ended = true;
    return this.put(new Uint8Array(0));
  }

  /** Stops at once: nothing more is delivered, the end included. */
  close(): void {
    this.ended = true;
    this.direction.close();
  }

  private put(datagram: Uint8Array): boolean {
    this.sent++;
    return this.direction.send(datagram);
  }

  private arrive(datagram: Uint8Array): void {
    const index = this.delivered++;
    if (datagram.length === 0) {
      this.direction.close();
      this.events.onEnd();
      return;
    }
    if (this.parts === undefined && this.split[0]?.first === index) {
      this.parts = [];
      this.partsLeft = this.split.shift()!.count;
    }
    if (this.parts === undefined) {
      this.events.onMessage(datagram);
      return;
    }
    this.parts.push(datagram);
    if (--this.partsLeft > 0) return;
    const whole = Buffer.concat(this.parts);
    this.parts = undefined;
    this.events.onMessage(whole);
  }
}
