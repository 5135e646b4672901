/**
 * The subscriptions of one process by topic, shared by the hub's implementations: adding one
 * (capped), removing one, handing a message to every subscription of its topic, ending them all.
 * It tells its owner when a topic gains its first subscription or loses its last, so that a
 * backend subscribes to each topic once per process however many subscriptions it has.
 */
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import { HubError } from './errors.js';
import type { PubSubLimits, SubscribeOptions, TopicHandler } from './pub-sub.js';
import { SubscriptionQueue } from './subscription-queue.js';

/** What a {@link TopicRegistry} needs. */
export interface TopicRegistryOptions {
  limits: PubSubLimits;
  logger: Logger;
  /** A subscription to `topic` ended; `last` when the topic has none left. */
  onRemoved(topic: string, last: boolean): Promise<void>;
}

/** Subscriptions by topic. */
export class TopicRegistry {
  private readonly topics = new Map<string, Set<SubscriptionQueue>>();
  private count = 0;
  private oversized = 0;
  private readonly codec: MsgpackCodec;

  constructor(private readonly options: TopicRegistryOptions) {
    // Decoding checks what arrives against the same size cap as publishing checks what leaves.
    this.codec = new MsgpackCodec({ maxFrameBytes: options.limits.maxMessageBytes });
  }

  /** Live subscriptions. */
  get size(): number {
    return this.count;
  }

  /** The topics with at least one subscription. */
  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  /** Whether `topic` has a subscription. */
  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  /**
   * Adds a subscription; `first` when the topic had none.
   * @throws HubError HUB_ERR_TOO_MANY_SUBSCRIPTIONS; RangeError for a `maxQueued` that is not a positive integer.
   */
  add(topic: string, handler: TopicHandler, options: SubscribeOptions = {}): { subscription: SubscriptionQueue; first: boolean } {
    const { limits, logger } = this.options;
    const maxQueued = options.maxQueued ?? limits.maxQueued;
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`hub: maxQueued must be a positive integer, got ${maxQueued}`);
    if (typeof handler !== 'function') throw new TypeError('hub: a subscription needs a handler function');
    if (this.count >= limits.maxSubscriptions) throw new HubError('HUB_ERR_TOO_MANY_SUBSCRIPTIONS', `${this.count} live, at most ${limits.maxSubscriptions}`);
    const subscription = new SubscriptionQueue({ topic, handler, maxQueued, codec: this.codec, logger, onEnd: (s) => this.remove(s) });
    let set = this.topics.get(topic);
    const first = !set;
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(subscription);
    this.count++;
    return { subscription, first };
  }

  /**
   * Hands `bytes` to every subscription of `topic` (none: dropped). A message over
   * `maxMessageBytes` (from a process with other limits) is dropped before any queue holds it;
   * the first is logged, the rest counted in the next line.
   */
  deliver(topic: string, bytes: Uint8Array): void {
    const set = this.topics.get(topic);
    if (!set) return;
    if (bytes.length > this.options.limits.maxMessageBytes) {
      if (this.oversized++ === 0) this.options.logger.warn('hub: a message over maxMessageBytes arrived and was dropped', { topic, bytes: bytes.length, maxMessageBytes: this.options.limits.maxMessageBytes });
      return;
    }
    for (const subscription of set) subscription.offer(bytes);
  }

  /** Ends every subscription, without telling the owner (it is stopping). */
  clear(): void {
    for (const set of this.topics.values()) for (const subscription of set) subscription.end();
    this.topics.clear();
    this.count = 0;
  }

  /** Removes a subscription (ended already), telling the owner. */
  async remove(subscription: SubscriptionQueue): Promise<void> {
    const set = this.topics.get(subscription.topic);
    if (!set?.delete(subscription)) return;
    this.count--;
    const last = set.size === 0;
    if (last) this.topics.delete(subscription.topic);
    await this.options.onRemoved(subscription.topic, last);
  }
}
