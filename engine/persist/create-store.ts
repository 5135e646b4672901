import type { Config } from '../config/config-schema.js';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { openLmdbStore } from './lmdb-store.js';
import { connectMongoStore } from './mongo-store.js';
import type { IndexSpec, Store } from './store.js';
import { DEFAULT_DOCUMENT_LIMITS } from './validate-document.js';

/** What {@link createStore} needs besides the `store` section of the configuration. */
export interface CreateStoreOptions {
  clock: Clock;
  logger: Logger;
  /** Secondary indexes the game's queries need (MongoDB creates them at start). */
  indexes?: readonly IndexSpec[];
}

/**
 * Opens the store the configuration names: LMDB in `store.lmdb.path`, or MongoDB at
 * `store.mongodb.url`.
 * @throws StoreError STORE_ERR_UNAVAILABLE when the backend cannot be opened or reached.
 */
export async function createStore(config: Config['store'], options: CreateStoreOptions): Promise<Store> {
  const limits = { ...DEFAULT_DOCUMENT_LIMITS, maxBytes: config.maxDocumentBytes };
  if (config.backend === 'lmdb') {
    return openLmdbStore({ path: config.lmdb.path, limits, clock: options.clock, ...(config.lmdb.mapSizeBytes ? { mapSizeBytes: config.lmdb.mapSizeBytes } : {}) });
  }
  const { url, database, maxRetries, retryBaseMs, retryMaxMs, serverSelectionTimeoutMs } = config.mongodb;
  return connectMongoStore({
    url,
    database,
    clock: options.clock,
    logger: options.logger.child({ component: 'store' }),
    retry: { maxRetries, baseMs: retryBaseMs, maxMs: retryMaxMs },
    serverSelectionTimeoutMs,
    limits,
    indexes: options.indexes ?? [],
  });
}
