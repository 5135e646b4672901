/**
 * A view of a hub that keeps the subscriptions made through it, so that its owner ends them all
 * at once: a lobby gives its game one, and the game's subscriptions end when the game stops.
 */
import { HubError } from './errors.js';
import type { PubSub, SubscribeOptions, Subscription, TopicHandler } from './pub-sub.js';

/** A {@link PubSub} whose subscriptions end with {@link ScopedPubSub.close}. */
export class ScopedPubSub implements PubSub {
  private readonly live = new Set<Subscription>();
  private closed = false;

  /** @param hub the process's hub, which the scope does not own. */
  constructor(private readonly hub: PubSub) {}

  /** Live subscriptions made through this view. */
  get size(): number {
    return this.live.size;
  }

  /** @throws HubError HUB_ERR_STOPPED once closed; what the hub's subscribe throws. */
  async subscribe(topic: string, handler: TopicHandler, options?: SubscribeOptions): Promise<Subscription> {
    this.checkOpen();
    const inner = await this.hub.subscribe(topic, handler, options);
    if (this.closed) {
      await inner.unsubscribe();
      this.checkOpen();
    }
    const live = this.live;
    const subscription: Subscription = {
      topic: inner.topic,
      get dropped() {
        return inner.dropped;
      },
      unsubscribe: async () => {
        live.delete(subscription);
        await inner.unsubscribe();
      },
    };
    live.add(subscription);
    return subscription;
  }

  /** @throws HubError HUB_ERR_STOPPED once closed; what the hub's publish throws. */
  publish(topic: string, message: unknown): Promise<void> {
    try {
      this.checkOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.hub.publish(topic, message);
  }

  /** Ends every subscription made through this view; later calls reject with HUB_ERR_STOPPED. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live].map((s) => s.unsubscribe()));
  }

  private checkOpen(): void {
    if (this.closed) throw new HubError('HUB_ERR_STOPPED', 'the game using this hub has stopped');
  }
}
