/**
 * Topics across a cluster on Redis pub/sub. A publish is one PUBLISH of the encoded message on
 * the process's shared client; every process subscribes through one connection of its own (a
 * `duplicate()` of that client), to each topic at most once however many subscriptions it has,
 * and hands what arrives (`messageBuffer`: bytes, never strings) to its subscriptions' queues.
 * Channels are `<prefix>hub:<topic>`, so that clusters sharing a Redis stay apart.
 *
 * After a reconnect, ioredis subscribes the connection to its channels again (`autoResubscribe`);
 * what was published meanwhile is lost (at most once). While the shared client is not ready, a
 * publish rejects at once with HUB_ERR_UNAVAILABLE instead of waiting in ioredis's queue, and so
 * does a subscribe while the subscriber connection is not.
 */
import type { Redis } from 'ioredis';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import { HubError } from './errors.js';
import { checkTopic, encodeMessage, pubSubLimits, type PubSubLimits, type PubSubModule, type SubscribeOptions, type Subscription, type TopicHandler } from './pub-sub.js';
import { TopicRegistry } from './topic-registry.js';

/** What a {@link RedisPubSub} needs. */
export interface RedisPubSubOptions {
  /** The process's client, connected; the caller owns it. Publishes go through it. */
  redis: Redis;
  /** Key prefix of the cluster (`redis.prefix`; default `tessera:`). */
  prefix?: string;
  logger: Logger;
  /** Caps; defaults in pub-sub.ts. */
  limits?: Partial<PubSubLimits>;
}

/** A hub shared through Redis pub/sub. */
export class RedisPubSub implements PubSubModule {
  readonly name = 'hub';
  private readonly limits: PubSubLimits;
  private readonly registry: TopicRegistry;
  private readonly codec = new MsgpackCodec();
  private readonly channelPrefix: string;
  private subscriber: Redis | undefined;
  private state: 'idle' | 'started' | 'stopped' = 'idle';

  /** @throws RangeError for a limit that is not a positive integer. */
  constructor(private readonly options: RedisPubSubOptions) {
    this.limits = pubSubLimits(options.limits);
    this.channelPrefix = `${options.prefix ?? 'tessera:'}hub:`;
    this.registry = new TopicRegistry({ limits: this.limits, logger: options.logger, onRemoved: (topic, last) => this.removed(topic, last) });
  }

  /** Opens the subscriber connection. */
  async start(): Promise<void> {
    const subscriber = this.options.redis.duplicate({ lazyConnect: true, autoResubscribe: true });
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.arrived(channel, message));
    // ioredis retries by itself; each failure is its own error event, which must not go unhandled.
    subscriber.on('error', (err: Error) => this.options.logger.debug('hub: subscriber connection error', { err }));
    subscriber.on('reconnecting', () => this.options.logger.warn('hub: subscriber connection lost; reconnecting (messages published meanwhile are lost)', { topics: this.registry.topicNames().length }));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) this.options.logger.info('hub: subscriber reconnected; subscriptions restored', { topics: this.registry.topicNames().length });
      connectedBefore = true;
    });
    this.subscriber = subscriber;
    await subscriber.connect();
    this.state = 'started';
  }

  /** Ends every subscription and closes the subscriber connection. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.registry.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  async subscribe(topic: string, handler: TopicHandler, options?: SubscribeOptions): Promise<Subscription> {
    checkTopic(topic);
    const subscriber = this.running();
    if (subscriber.status !== 'ready') throw new HubError('HUB_ERR_UNAVAILABLE', `subscribe ${topic}: Redis is not connected (${subscriber.status})`);
    const { subscription, first } = this.registry.add(topic, handler, options);
    if (first) {
      try {
        await subscriber.subscribe(this.channelPrefix + topic);
      } catch (err) {
        subscription.end();
        await this.registry.remove(subscription);
        throw new HubError('HUB_ERR_UNAVAILABLE', `subscribe ${topic}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    return subscription;
  }

  async publish(topic: string, message: unknown): Promise<void> {
    checkTopic(topic);
    this.running();
    const bytes = encodeMessage(this.codec, message, this.limits.maxMessageBytes);
    const { redis } = this.options;
    // Waiting in ioredis's offline queue would hold the caller through the outage.
    if (redis.status !== 'ready') throw new HubError('HUB_ERR_UNAVAILABLE', `publish ${topic}: Redis is not connected (${redis.status})`);
    try {
      await redis.publish(this.channelPrefix + topic, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (err) {
      throw new HubError('HUB_ERR_UNAVAILABLE', `publish ${topic}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private running(): Redis {
    if (this.state !== 'started' || !this.subscriber) throw new HubError('HUB_ERR_STOPPED', this.state === 'idle' ? 'the hub has not started' : 'the hub has stopped');
    return this.subscriber;
  }

  private arrived(channel: Buffer, message: Buffer): void {
    const name = channel.toString('latin1');
    if (!name.startsWith(this.channelPrefix)) return;
    // A copy: the decoded message's binaries must not share the connection's read buffer.
    this.registry.deliver(name.slice(this.channelPrefix.length), new Uint8Array(message));
  }

  // The topic's last subscription here ended: the connection leaves its channel. A failure (an
  // outage) is logged; a message on a channel nobody here subscribes to is ignored anyway.
  private async removed(topic: string, last: boolean): Promise<void> {
    const subscriber = this.subscriber;
    if (!last || !subscriber || this.registry.has(topic)) return;
    await subscriber.unsubscribe(this.channelPrefix + topic).catch((err: unknown) => this.options.logger.debug('hub: unsubscribe failed', { topic, err }));
  }
}
