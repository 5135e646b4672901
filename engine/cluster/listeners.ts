import type { Logger } from '../log/types.js';
import type { DiscoveryEvent } from './discovery.js';

/** The events about other servers (and this one) being added, updated or removed. */
export type ServerChange = Exclude<DiscoveryEvent, { type: 'self-lost' } | { type: 'self-registered' }>;

/** The listeners of one discovery member. A listener that throws is logged; the others still run. */
export class DiscoveryListeners {
  private readonly listeners = new Set<(event: DiscoveryEvent) => void>();

  /** @param logger receives `discovery listener failed`. */
  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns a function that removes it (calling it twice is harmless). */
  add(listener: (event: DiscoveryEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${typeof listener}`);
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry = (event: DiscoveryEvent): void => listener(event);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /** Calls every listener with `event`, in subscription order. */
  emit(event: DiscoveryEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error('discovery listener failed', { event: event.type, err });
      }
    }
  }
}
