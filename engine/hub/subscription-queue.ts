/**
 * One subscription's delivery: a bounded queue of encoded messages and a loop that decodes and
 * hands them to the handler one at a time, in arrival order. A handler that throws is logged and
 * the next message goes on. When the queue is full the message is dropped and counted; the first
 * drop of a burst is logged, and the end of the burst (the queue empty again) says how many went.
 */
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import type { Subscription, TopicHandler } from './pub-sub.js';

/** What a {@link SubscriptionQueue} needs. */
export interface SubscriptionQueueOptions {
  topic: string;
  handler: TopicHandler;
  /** Messages held at most while the handler is busy. */
  maxQueued: number;
  /** Decodes with the hub's limits; shared by the hub's subscriptions (decoding is synchronous). */
  codec: MsgpackCodec;
  logger: Logger;
  /** Called once when the subscription ends, to let go of it in the hub. */
  onEnd(subscription: SubscriptionQueue): Promise<void>;
}

/** A live subscription and its queue. */
export class SubscriptionQueue implements Subscription {
  readonly topic: string;
  private queue: Uint8Array[] = [];
  private head = 0;
  private running = false;
  private ended = false;
  private droppedTotal = 0;
  private droppedInBurst = 0;

  constructor(private readonly options: SubscriptionQueueOptions) {
    this.topic = options.topic;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Messages waiting for the handler. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Queues a message for the handler (never calls it from here), or drops it when the queue is full. */
  offer(bytes: Uint8Array): void {
    if (this.ended) return;
    if (this.queued >= this.options.maxQueued) {
      this.droppedTotal++;
      if (this.droppedInBurst++ === 0) {
        this.options.logger.warn('hub: a subscriber cannot keep up; dropping messages until its queue empties', { topic: this.topic, maxQueued: this.options.maxQueued });
      }
      return;
    }
    this.queue.push(bytes);
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.run());
    }
  }

  async unsubscribe(): Promise<void> {
    if (this.ended) return;
    this.end();
    await this.options.onEnd(this);
  }

  /** Ends the subscription without telling the hub (the hub is stopping). */
  end(): void {
    this.ended = true;
    this.queue = [];
    this.head = 0;
  }

  private async run(): Promise<void> {
    const { handler, codec, logger } = this.options;
    while (!this.ended && this.head < this.queue.length) {
      const bytes = this.queue[this.head++]!;
      // Compact now and then, so that a long-lived queue does not keep what it delivered.
      if (this.head >= 1_024 && this.head * 2 >= this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      let message: unknown;
      try {
        message = codec.decode(bytes);
      } catch (err) {
        logger.warn('hub: a message that cannot be decoded was dropped', { topic: this.topic, bytes: bytes.length, err });
        continue;
      }
      try {
        // A handler that returns nothing costs no extra turn of the event loop.
        const result = handler(message, this.topic);
        if (result !== undefined) await result;
      } catch (err) {
        logger.error('hub: a topic handler failed; delivery goes on', { topic: this.topic, err });
      }
    }
    this.running = false;
    this.queue = [];
    this.head = 0;
    if (this.droppedInBurst > 0 && !this.ended) {
      logger.warn('hub: a subscriber caught up', { topic: this.topic, dropped: this.droppedInBurst });
      this.droppedInBurst = 0;
    }
  }
}
