/**
 * The persistence interface. Documents are plain data (objects, arrays, strings, finite or
 * non-finite numbers, booleans, null, Dates, byte arrays) kept under a string id in a named
 * collection, with a version number for optimistic concurrency: version 1 after the first save,
 * one more after each save. Backends: {@link LmdbStore} (embedded, standalone mode) and
 * {@link MongoStore} (MongoDB; FerretDB in the tests).
 */

/** A document's fields. Keys starting with `$`, containing `.` or NUL, and `__proto__` are refused. */
export type DocumentData = Record<string, unknown>;

/** A document as stored: its id, its current version and its fields. */
export interface StoredDocument<T extends DocumentData = DocumentData> {
  id: string;
  version: number;
  data: T;
}

/** One write: the full new content of a document and the version it was based on. */
export interface SaveRequest {
  id: string;
  data: DocumentData;
  /** The version the caller loaded; 0 means "create: there must be no document with this id". */
  expectedVersion: number;
  /**
   * The writer's ownership epoch ({@link Store.claimOwner}), stored with the document. A
   * document that a later epoch has claimed has moved to a version this writer never saw, so its
   * write is refused like any conflict, with `actualEpoch` above its own.
   */
  epoch?: number;
}

/** The fate of one request in {@link Store.saveBatch}, in request order. */
export type SaveOutcome =
  | { id: string; ok: true; version: number }
  | {
      id: string;
      ok: false;
      expectedVersion: number;
      actualVersion: number | undefined;
      /**
       * For a request with an `epoch`: the epoch stored with the document as it is now (0: none,
       * or no document). Above the request's: a later owner claimed it. Equal: the stored version
       * was written under the same claim (an earlier save whose answer was lost).
       */
      actualEpoch?: number;
    };

/** Field equality on dotted paths into the data, e.g. `{ 'profile.region': 'eu', level: 3 }`. */
export type FindFilter = Record<string, string | number | boolean | null>;

/** Options for {@link Store.find}. */
export interface FindOptions {
  /** At most this many documents come back (default 1,000; at most {@link MAX_FIND_LIMIT}). */
  limit?: number;
}

/** The largest `limit` {@link Store.find} accepts: results are always bounded. */
export const MAX_FIND_LIMIT = 10_000;

/** A secondary index that a backend creates at start so that `find` on these fields is fast. */
export interface IndexSpec {
  collection: string;
  /** Dotted paths into the data, in index order. */
  fields: string[];
}

/** A claim held, as {@link Store.renewOwners} and {@link Store.releaseOwner} name it. */
export interface OwnerRef {
  /** The document id. */
  id: string;
  /** The fencing token: one more than every earlier claim of the document. */
  epoch: number;
}

/** An ownership claim on one document ({@link Store.claimOwner}). */
export interface OwnerClaim extends OwnerRef {
  /** Who holds it: a server id. */
  owner: string;
  /** When it lapses unless renewed, on the store's clock (ms since the epoch). */
  expiresAt: number;
}

/** Persistence of versioned documents. Every method rejects with a {@link StoreError}. */
export interface Store {
  /** The backend's name, for logs and reports: `lmdb` or `mongodb`. */
  readonly backend: string;
  /** Whether the backend answered at the last contact (an embedded one always does); for readiness checks. */
  readonly connected: boolean;
  /** The document, or `undefined` when there is none. */
  load(collection: string, id: string): Promise<StoredDocument | undefined>;
  /**
   * Writes a whole document if its stored version is `expectedVersion`.
   * @returns the new version.
   * @throws OwnershipLostError when `request.epoch` was superseded; VersionConflictError when the
   *   stored version differs otherwise; StoreError for invalid input.
   */
  save(collection: string, request: SaveRequest): Promise<number>;
  /**
   * Writes many documents at once. Every document is validated first: one invalid document rejects
   * the whole batch and nothing is written. Version conflicts are reported per document and do not
   * stop the others.
   */
  saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]>;
  /**
   * Deletes a document, checking its version when `expectedVersion` is given.
   * @returns whether a document was deleted.
   * @throws VersionConflictError when `expectedVersion` is given and differs.
   */
  delete(collection: string, id: string, expectedVersion?: number): Promise<boolean>;
  /** Documents whose fields equal every value in `filter`, in no particular order. */
  find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]>;
  /**
   * Takes the ownership claim of document `id` for `owner`, for `ttlMs` on the store's clock: when
   * no claim is live (none yet, released, or lapsed), the new claim's epoch is one more than the
   * last. A document that exists is then moved to a new version under the new epoch (its data
   * unchanged), so that no save of an earlier owner can land after this returns.
   * @throws OwnershipHeldError STORE_ERR_OWNED when a live claim is held (by anyone, `owner`
   *   included), or an earlier owner's write keeps the document moving.
   */
  claimOwner(collection: string, id: string, owner: string, ttlMs: number): Promise<OwnerClaim>;
  /**
   * Extends live claims by `ttlMs` from now.
   * @returns the ids of the claims that are lost: lapsed, released, or claimed by a later epoch.
   */
  renewOwners(collection: string, claims: readonly OwnerRef[], ttlMs: number): Promise<string[]>;
  /** Ends a claim, if it is still the last one of its document; the epoch is not reused. */
  releaseOwner(collection: string, claim: OwnerRef): Promise<void>;
  /** Waits for writes in flight and releases the backend; later calls fail with STORE_ERR_CLOSED. */
  close(): Promise<void>;
}
