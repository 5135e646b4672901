import type { Config } from '../config/config-schema.js';
import type { Module } from '../lifecycle/lifecycle.js';
import { createStore, type CreateStoreOptions } from './create-store.js';
import { MeteredStore, type StoreObserver } from './metered-store.js';
import type { Store } from './store.js';

/** What a {@link StoreModule} needs besides the `store` section of the configuration. */
export interface StoreModuleOptions extends CreateStoreOptions {
  /** Told of every store operation as it settles (engine/metrics/store-metrics.ts); without it nothing is measured. */
  metrics?: StoreObserver;
}

/** The configured {@link Store} as a lifecycle {@link Module}: opened at start, closed at stop. */
export class StoreModule implements Module {
  readonly name = 'store';
  private opened: Store | undefined;

  constructor(
    private readonly config: Config['store'],
    private readonly options: StoreModuleOptions,
  ) {}

  /**
   * The open store.
   * @throws Error before start or after stop.
   */
  get store(): Store {
    if (!this.opened) throw new Error('StoreModule.store: not started');
    return this.opened;
  }

  /** Whether the store is open and its backend answered at the last contact. */
  get healthy(): boolean {
    return this.opened?.connected ?? false;
  }

  async start(): Promise<void> {
    const store = await createStore(this.config, this.options);
    this.opened = this.options.metrics ? new MeteredStore(store, this.options.metrics, this.options.clock) : store;
    this.options.logger.info('store open', { backend: this.opened.backend });
  }

  async stop(): Promise<void> {
    const store = this.opened;
    this.opened = undefined;
    await store?.close();
  }
}
