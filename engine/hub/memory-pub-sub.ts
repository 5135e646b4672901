/**
 * Topics within one process (standalone): a publish hands the encoded message to every
 * subscription of its topic, whose handler runs later, never inside the publish. The same
 * limits, checks and per-subscription queues as in a cluster (redis-pub-sub.ts), so that what
 * works standalone works there.
 */
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import { HubError } from './errors.js';
import { checkTopic, encodeMessage, pubSubLimits, type PubSubLimits, type PubSubModule, type SubscribeOptions, type Subscription, type TopicHandler } from './pub-sub.js';
import { TopicRegistry } from './topic-registry.js';

/** What a {@link MemoryPubSub} needs. */
export interface MemoryPubSubOptions {
  logger: Logger;
  /** Caps; defaults in pub-sub.ts. */
  limits?: Partial<PubSubLimits>;
}

/**
 * A hub in one process. It works from construction (`start` is a no-op); after `stop` every
 * subscription has ended and calls reject with HUB_ERR_STOPPED.
 */
export class MemoryPubSub implements PubSubModule {
  readonly name = 'hub';
  private readonly limits: PubSubLimits;
  private readonly registry: TopicRegistry;
  private readonly codec = new MsgpackCodec();
  private stopped = false;

  /** @throws RangeError for a limit that is not a positive integer. */
  constructor(options: MemoryPubSubOptions) {
    this.limits = pubSubLimits(options.limits);
    this.registry = new TopicRegistry({ limits: this.limits, logger: options.logger, onRemoved: async () => undefined });
  }

  async start(): Promise<void> {
    this.stopped = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.registry.clear();
  }

  async subscribe(topic: string, handler: TopicHandler, options?: SubscribeOptions): Promise<Subscription> {
    checkTopic(topic);
    this.checkRunning();
    return this.registry.add(topic, handler, options).subscription;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    checkTopic(topic);
    this.checkRunning();
    this.registry.deliver(topic, encodeMessage(this.codec, message, this.limits.maxMessageBytes));
  }

  private checkRunning(): void {
    if (this.stopped) throw new HubError('HUB_ERR_STOPPED', 'the hub has stopped');
  }
}
