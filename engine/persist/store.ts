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
}

/** The fate of one request in {@link Store.saveBatch}, in request order. */
export type SaveOutcome =
  | { id: string; ok: true; version: number }
  | { id: string; ok: false; expectedVersion: number; actualVersion: number | undefined };

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
   * @throws VersionConflictError when the stored version differs; StoreError for invalid input.
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
  /** Waits for writes in flight and releases the backend; later calls fail with STORE_ERR_CLOSED. */
  close(): Promise<void>;
}
