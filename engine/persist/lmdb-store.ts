/**
 * The embedded store for standalone mode, on LMDB through the `lmdb` package. One LMDB
 * environment (a folder) holds a named database per collection. LMDB serialises writers across
 * processes with its own lock, so several processes may share one folder. Versions are LMDB entry
 * versions and every write is conditional on them (`put` with `ifVersion`, `ifNoExists`): the
 * check happens in the native write transaction, under that lock, not in JavaScript. Ownership
 * claims live in `<collection>__owners` (lmdb-owners.ts); a document saved under a claim keeps
 * its epoch in the hidden top-level field `_e`.
 */
import { IF_EXISTS, open, type Database, type RootDatabase } from 'lmdb';
import { SystemClock, type Clock } from '../timer/clock.js';
import { checkCollection, checkFind, checkId, checkOwner, checkOwnerRefs, checkSaveRequests, checkTtl, checkVersion } from './check-arguments.js';
import { StoreError, VersionConflictError } from './errors.js';
import { InFlight } from './in-flight.js';
import { LmdbOwners, withoutEpoch } from './lmdb-owners.js';
import { matchesFilter } from './match-filter.js';
import { saveOne } from './save-one.js';
import type { DocumentData, FindFilter, FindOptions, OwnerClaim, OwnerRef, SaveOutcome, SaveRequest, Store, StoredDocument } from './store.js';
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
  /** Time for ownership claims (default the system clock). */
  clock?: Clock;
}

/** A {@link Store} on an LMDB environment. Create it with {@link openLmdbStore}. */
export class LmdbStore implements Store {
  readonly backend = 'lmdb';
  readonly connected = true;
  private readonly collections = new Map<string, Database<DocumentData, string>>();
  private readonly inflight: InFlight;
  private readonly owners: LmdbOwners;

  constructor(
    private readonly root: RootDatabase,
    private readonly path: string,
    private readonly limits: DocumentLimits,
    clock: Clock = new SystemClock(),
  ) {
    this.inflight = new InFlight(`lmdb store at ${path}`);
    this.owners = new LmdbOwners(root, clock, (collection) => this.db(collection));
  }

  load(collection: string, id: string): Promise<StoredDocument | undefined> {
    return this.run(async () => {
      checkId(id);
      const entry = this.db(collection).getEntry(id);
      return entry && { id, version: entry.version!, data: withoutEpoch(entry.value) };
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
      if (requests.some((r) => r.epoch !== undefined)) return this.owners.saveFenced(collection, db, requests);
      // Conditional writes issued in one turn commit in one transaction; each says whether it applied.
      const applied = await Promise.all(
        requests.map((r) =>
          r.expectedVersion === 0
            ? db.ifNoExists(r.id, () => void db.put(r.id, r.data, 1))
            : db.put(r.id, r.data, r.expectedVersion + 1, r.expectedVersion),
        ),
      );
      return requests.map((r, i): SaveOutcome => {
        if (applied[i]) return { id: r.id, ok: true, version: r.expectedVersion + 1 };
        return { id: r.id, ok: false, expectedVersion: r.expectedVersion, actualVersion: db.getEntry(r.id)?.version ?? 0 };
      });
    });
  }

  delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
    return this.run(async () => {
      checkId(id);
      if (expectedVersion !== undefined) checkVersion(expectedVersion);
      const db = this.db(collection);
      const removed =
        expectedVersion === undefined
          ? await db.ifVersion(id, IF_EXISTS, () => void db.remove(id))
          : expectedVersion === 0
            ? !(await db.ifNoExists(id, () => undefined))
            : await db.remove(id, expectedVersion);
      if (expectedVersion === undefined) return removed;
      // Version 0 expects no document: finding one is the conflict, finding none deletes nothing.
      if (expectedVersion === 0 ? removed : !removed) {
        throw new VersionConflictError(collection, id, expectedVersion, db.getEntry(id)?.version ?? 0);
      }
      return expectedVersion !== 0;
    });
  }

  find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    return this.run(async () => {
      const limit = checkFind(collection, filter, options);
      const found: StoredDocument[] = [];
      // No secondary indexes here: standalone collections are small, so a scan is the honest choice.
      for (const { key, value, version } of this.db(collection).getRange({ versions: true })) {
        if (!matchesFilter(value, filter)) continue;
        found.push({ id: key, version: version!, data: withoutEpoch(value) });
        if (found.length >= limit) break;
      }
      return found;
    });
  }

  claimOwner(collection: string, id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    return this.run(async () => {
      checkCollection(collection);
      checkId(id);
      checkOwner(owner);
      checkTtl(ttlMs);
      return this.owners.claim(collection, id, owner, ttlMs);
    });
  }

  renewOwners(collection: string, claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    return this.run(async () => {
      checkOwnerRefs(collection, claims);
      checkTtl(ttlMs);
      return this.owners.renew(collection, claims, ttlMs);
    });
  }

  releaseOwner(collection: string, claim: OwnerRef): Promise<void> {
    return this.run(async () => {
      checkOwnerRefs(collection, [claim]);
      await this.owners.release(collection, claim);
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

  private db(collection: string): Database<DocumentData, string> {
    let db = this.collections.get(collection);
    if (!db) {
      checkCollection(collection);
      db = this.root.openDB<DocumentData, string>({ name: collection, useVersions: true });
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
    return new LmdbStore(root, options.path, options.limits ?? DEFAULT_DOCUMENT_LIMITS, options.clock);
  } catch (err) {
    throw new StoreError('STORE_ERR_UNAVAILABLE', `cannot open lmdb at ${options.path}`, { cause: err });
  }
}
