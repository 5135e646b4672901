/**
 * The embedded store for standalone mode, on LMDB through the `lmdb` package. One LMDB
 * environment (a folder) holds a named database per collection. LMDB serialises writers across
 * processes with its own lock, so several processes may share one folder; each version check runs
 * inside the write transaction that performs the write.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { checkCollection, checkFind, checkId, checkSaveRequests, checkVersion } from './check-arguments.js';
import { StoreError, VersionConflictError } from './errors.js';
import { InFlight } from './in-flight.js';
import { matchesFilter } from './match-filter.js';
import { saveOne } from './save-one.js';
import type { DocumentData, FindFilter, FindOptions, SaveOutcome, SaveRequest, Store, StoredDocument } from './store.js';
import { DEFAULT_DOCUMENT_LIMITS, validateDocument, type DocumentLimits } from './validate-document.js';

/** Options for {@link openLmdbStore}. */
export interface LmdbStoreOptions {
  /** The folder that holds the environment; created when missing. */
  path: string;
  /** Document limits (default {@link DEFAULT_DOCUMENT_LIMITS}). */
  limits?: DocumentLimits;
  /** Most collections the environment can hold (default 64). */
  maxCollections?: number;
  /** A fixed LMDB map size in bytes; by default lmdb-js grows the map as the data grows. */
  mapSizeBytes?: number;
}

interface Entry {
  v: number;
  d: DocumentData;
}

/** A {@link Store} on an LMDB environment. Create it with {@link openLmdbStore}. */
export class LmdbStore implements Store {
  readonly backend = 'lmdb';
  private readonly collections = new Map<string, Database<Entry, string>>();
  private readonly inflight: InFlight;

  constructor(
    private readonly root: RootDatabase,
    private readonly path: string,
    private readonly limits: DocumentLimits,
  ) {
    this.inflight = new InFlight(`lmdb store at ${path}`);
  }

  load(collection: string, id: string): Promise<StoredDocument | undefined> {
    return this.run(async () => {
      checkId(id);
      const entry = this.db(collection).get(id);
      return entry && { id, version: entry.v, data: entry.d };
    });
  }

  save(collection: string, request: SaveRequest): Promise<number> {
    return saveOne(this, collection, request);
  }

  saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    return this.run(async () => {
      checkSaveRequests(collection, requests);
      for (const r of requests) validateDocument(r.data, this.limits, `${collection}/${r.id}`);
      const db = this.db(collection);
      // One write transaction: every check sees the writes before it, and the batch commits at once.
      return db.transaction(() =>
        requests.map((r): SaveOutcome => {
          const actual = db.get(r.id)?.v ?? 0;
          if (actual !== r.expectedVersion) return { id: r.id, ok: false, expectedVersion: r.expectedVersion, actualVersion: actual };
          const version = actual + 1;
          void db.put(r.id, { v: version, d: r.data });
          return { id: r.id, ok: true, version };
        }),
      );
    });
  }

  delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
    return this.run(async () => {
      checkId(id);
      if (expectedVersion !== undefined) checkVersion(expectedVersion);
      const db = this.db(collection);
      const actual = await db.transaction(() => {
        const v = db.get(id)?.v ?? 0;
        if (v !== 0 && (expectedVersion === undefined || v === expectedVersion)) void db.remove(id);
        return v;
      });
      if (expectedVersion !== undefined && actual !== expectedVersion) throw new VersionConflictError(collection, id, expectedVersion, actual);
      return actual !== 0;
    });
  }

  find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    return this.run(async () => {
      const limit = checkFind(collection, filter, options);
      const found: StoredDocument[] = [];
      // No secondary indexes here: standalone collections are small, so a scan is the honest choice.
      for (const { key, value } of this.db(collection).getRange()) {
        if (!matchesFilter(value.d, filter)) continue;
        found.push({ id: key, version: value.v, data: value.d });
        if (found.length >= limit) break;
      }
      return found;
    });
  }

  async close(): Promise<void> {
    await this.inflight.close();
    await this.root.close();
  }

  // One tracked operation; LMDB's own failures (map or database table full, I/O) become STORE_ERR_BACKEND.
  private run<T>(op: () => Promise<T>): Promise<T> {
    return this.inflight.run(async () => {
      try {
        return await op();
      } catch (err) {
        if (err instanceof StoreError) throw err;
        throw new StoreError('STORE_ERR_BACKEND', `lmdb at ${this.path}: ${(err as Error).message}`, { cause: err });
      }
    });
  }

  private db(collection: string): Database<Entry, string> {
    let db = this.collections.get(collection);
    if (!db) {
      checkCollection(collection);
      db = this.root.openDB<Entry, string>({ name: collection });
      this.collections.set(collection, db);
    }
    return db;
  }
}

/**
 * Opens (creating when missing) an LMDB store in `options.path`.
 * @throws StoreError STORE_ERR_UNAVAILABLE when the folder cannot be opened.
 */
export function openLmdbStore(options: LmdbStoreOptions): LmdbStore {
  try {
    const root = open({
      path: options.path,
      maxDbs: options.maxCollections ?? 64,
      ...(options.mapSizeBytes === undefined ? {} : { mapSize: options.mapSizeBytes }),
    });
    return new LmdbStore(root, options.path, options.limits ?? DEFAULT_DOCUMENT_LIMITS);
  } catch (err) {
    throw new StoreError('STORE_ERR_UNAVAILABLE', `cannot open lmdb at ${options.path}`, { cause: err });
  }
}
