/**
 * Topics across servers (`guild:42`, `auction:updates`, `server:announcements`): game code and
 * services subscribe to a topic and publish to it from any server. Delivery is at most once: a
 * message reaches the subscriptions that exist when it arrives, each once, in the order one
 * publisher sent them; a message that meets no subscription, an outage, or a full queue is gone.
 *
 * Each subscription has a bounded queue: its handler runs for one message at a time, and what
 * does not fit while it is busy is dropped, counted ({@link Subscription.dropped}) and logged
 * once per burst. A message is msgpack, encoded once per publish, its size checked before it is
 * sent, and decoded with the codec's limits by each subscription when its handler is about to run.
 *
 * Implementations: memory-pub-sub.ts (one process, standalone) and redis-pub-sub.ts (Redis
 * pub/sub, a cluster).
 */
import { CodecError } from '../codec/errors.js';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Module } from '../lifecycle/lifecycle.js';
import { HubError } from './errors.js';

/** Largest encoded message by default, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** Messages one subscription holds at most by default while its handler is busy. */
export const DEFAULT_MAX_QUEUED = 1_000;
/** Live subscriptions of one process at most by default. */
export const DEFAULT_MAX_SUBSCRIPTIONS = 10_000;
/** Longest topic name. */
export const MAX_TOPIC_LENGTH = 200;

const TOPIC = /^[A-Za-z0-9:._-]{1,200}$/;

/** Receives a topic's messages, one at a time per subscription; what it throws or rejects with is logged. */
export type TopicHandler = (message: unknown, topic: string) => void | Promise<void>;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Messages held while the handler is busy; more are dropped (default: the hub's `maxQueued`). */
  maxQueued?: number;
}

/** One subscription to a topic. */
export interface Subscription {
  readonly topic: string;
  /** Messages dropped because the queue was full, since the subscription began. */
  readonly dropped: number;
  /** Ends the subscription: nothing more is delivered to it, queued messages included. Idempotent. */
  unsubscribe(): Promise<void>;
}

/** Publish and subscribe to topics: what game code and services use. */
export interface PubSub {
  /**
   * Subscribes `handler` to `topic`; messages published after the returned promise resolves reach it.
   * @throws HubError HUB_ERR_BAD_TOPIC, HUB_ERR_STOPPED, HUB_ERR_TOO_MANY_SUBSCRIPTIONS,
   *   HUB_ERR_UNAVAILABLE (Redis cannot be reached).
   */
  subscribe(topic: string, handler: TopicHandler, options?: SubscribeOptions): Promise<Subscription>;
  /**
   * Sends `message` to the topic's subscribers on every server; resolves once the backend took it
   * (handlers run later, never inside this call).
   * @throws HubError HUB_ERR_BAD_TOPIC, HUB_ERR_MESSAGE_TOO_LARGE, HUB_ERR_STOPPED,
   *   HUB_ERR_UNAVAILABLE; CodecError CODEC_ERR_UNENCODABLE for a value msgpack cannot carry.
   */
  publish(topic: string, message: unknown): Promise<void>;
}

/** A hub as a process runs it: {@link PubSub} with a lifecycle. */
export interface PubSubModule extends PubSub, Module {}

/** The caps of a hub; defaults above. */
export interface PubSubLimits {
  maxMessageBytes: number;
  maxQueued: number;
  maxSubscriptions: number;
}

/**
 * The limits with defaults filled in.
 * @throws RangeError when one is not a positive integer.
 */
export function pubSubLimits(limits: Partial<PubSubLimits> = {}): PubSubLimits {
  const full = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxQueued: DEFAULT_MAX_QUEUED, maxSubscriptions: DEFAULT_MAX_SUBSCRIPTIONS, ...limits };
  for (const [name, value] of Object.entries(full)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`hub: ${name} must be a positive integer, got ${value}`);
  }
  return full;
}

/**
 * Checks a topic name.
 * @throws HubError HUB_ERR_BAD_TOPIC
 */
export function checkTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !TOPIC.test(topic)) {
    throw new HubError('HUB_ERR_BAD_TOPIC', `${JSON.stringify(String(topic).slice(0, 60))}: 1-${MAX_TOPIC_LENGTH} letters, digits, ':', '.', '_' or '-'`);
  }
}

/**
 * A message's bytes, encoded once, owned by the caller.
 * @throws HubError HUB_ERR_MESSAGE_TOO_LARGE past `maxBytes`; CodecError for an unencodable value.
 */
export function encodeMessage(codec: MsgpackCodec, message: unknown, maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = codec.encodeShared(message);
  } catch (err) {
    if (err instanceof CodecError && err.code === 'CODEC_ERR_FRAME_TOO_LARGE') throw new HubError('HUB_ERR_MESSAGE_TOO_LARGE', err.detail, { cause: err });
    throw err;
  }
  if (bytes.length > maxBytes) throw new HubError('HUB_ERR_MESSAGE_TOO_LARGE', `${bytes.length} bytes > ${maxBytes}`);
  return bytes.slice();
}
