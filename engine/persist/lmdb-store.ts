/**
 * The embedded store for standalone mode, on LMDB through the `lmdb` package. One LMDB
 * environment (a folder) holds a named database per collection. LMDB serialises writers across
 * processes with its own lock, so several processes may share one folder; each version check runs
 * inside the write transaction that performs the write.
 */
import { open, type Database, type RootDatabase } from 'lmdb';
import { checkCollection, checkFind, checkId, checkSaveRequests, checkVersion } from './check-arguments.js';
import { StoreError, VersionConflictError } from './errors.js';
import { matchesFilter } from './match-filter.js';
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
  private closed = false;

  constructor(
    private readonly root: RootDatabase,
    private readonly path: string,
    private readonly limits: DocumentLimits,
  ) {}

  async load(collection: string, id: string): Promise<StoredDocument | undefined> {
    checkId(id);
    const entry = this.db(collection).get(id);
    return entry && { id, version: entry.v, data: entry.d };
  }

  async save(collection: string, request: SaveRequest): Promise<number> {
    const [outcome] = await this.saveBatch(collection, [request]);
    if (!outcome!.ok) throw new VersionConflictError(collection, request.id, request.expectedVersion, outcome!.actualVersion);
    return outcome!.version;
  }

  async saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
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
  }

  async delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
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
  }

  async find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    const limit = checkFind(collection, filter, options);
    const found: StoredDocument[] = [];
    // No secondary indexes here: standalone collections are small, so a scan is the honest choice.
    for (const { key, value } of this.db(collection).getRange()) {
      if (!matchesFilter(value.d, filter)) continue;
      found.push({ id: key, version: value.v, data: value.d });
      if (found.length >= limit) break;
    }
    return found;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }

  private db(collection: string): Database<Entry, string> {
    if (this.closed) throw new StoreError('STORE_ERR_CLOSED', `lmdb store at ${this.path}`);
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
