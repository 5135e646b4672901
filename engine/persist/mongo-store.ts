/**
 * The production store on MongoDB through the official driver (FerretDB in the tests).
 *
 * Layout: one MongoDB collection per store collection; a document is
 * `{ _id: id, _v: version, _w: writeToken, ...data }`. Every write carries a fresh random write
 * token, so after a retry or a partial failure the store reads `_w` back to learn which of its
 * writes landed, instead of guessing.
 */
import { randomBytes } from 'node:crypto';
import { MongoBulkWriteError, MongoClient, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { checkCollection, checkFind, checkId, checkSaveRequests, checkVersion } from './check-arguments.js';
import { StoreError, VersionConflictError } from './errors.js';
import { VersionClaims } from './mongo-claims.js';
import { DUPLICATE_KEY, isTransientMongoError } from './mongo-errors.js';
import { withRetry, type RetryPolicy } from './retry.js';
import type { DocumentData, FindFilter, FindOptions, IndexSpec, SaveOutcome, SaveRequest, Store, StoredDocument } from './store.js';
import { DEFAULT_DOCUMENT_LIMITS, validateDocument, type DocumentLimits } from './validate-document.js';

/** Options for {@link connectMongoStore}. */
export interface MongoStoreOptions {
  url: string;
  database: string;
  clock: Clock;
  logger: Logger;
  /** Transient errors are retried with backoff (default 5 retries, 50 ms doubling to 2 s). */
  retry?: RetryPolicy;
  /** How long one attempt waits for a usable server (default 5,000 ms). */
  serverSelectionTimeoutMs?: number;
  /** Document limits (default {@link DEFAULT_DOCUMENT_LIMITS}). */
  limits?: DocumentLimits;
  /** Secondary indexes, created at connect. */
  indexes?: readonly IndexSpec[];
  /** Writes per bulk command (default 1,000). */
  bulkChunkSize?: number;
  /**
   * Guard version checks with claims ({@link VersionClaims}); by default on exactly when the server
   * is FerretDB, whose conditional update is not atomic. MongoDB's own is, so it needs none.
   */
  versionClaims?: boolean;
  /** Age after which a crashed writer's claim may be taken over (default 30,000 ms). */
  claimStaleMs?: number;
  /**
   * Most replacements sent in one update command; by default unlimited, and 50 on FerretDB,
   * whose SQLite backend stops answering an update command of 100 statements or more.
   */
  updatesPerCommand?: number;
}

/** What differs when the server is FerretDB rather than MongoDB. */
interface ServerTraits {
  versionClaims: boolean;
  updatesPerCommand: number;
}

interface Row {
  _id: string;
  _v: number;
  _w: string;
  [field: string]: unknown;
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseMs: 50, maxMs: 2_000 };

function toStored(row: Row): StoredDocument {
  const { _id, _v, _w, ...data } = row;
  return { id: _id, version: _v, data };
}

/** A {@link Store} on MongoDB. Create it with {@link connectMongoStore}. */
export class MongoStore implements Store {
  readonly backend = 'mongodb';
  private connected = true;
  private closed = false;
  private readonly db: Db;
  private readonly retry: RetryPolicy;
  private readonly limits: DocumentLimits;
  private readonly chunkSize: number;
  private readonly claimStaleMs: number;
  private readonly claims = new Map<string, VersionClaims>();

  private readonly useClaims: boolean;
  private readonly updatesPerCommand: number;

  /** @param traits how to treat the server, from its buildInfo (see {@link connectMongoStore}). */
  constructor(
    private readonly client: MongoClient,
    private readonly options: MongoStoreOptions,
    traits: ServerTraits,
  ) {
    this.useClaims = traits.versionClaims;
    this.updatesPerCommand = traits.updatesPerCommand;
    this.db = client.db(options.database);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.limits = options.limits ?? DEFAULT_DOCUMENT_LIMITS;
    this.chunkSize = options.bulkChunkSize ?? 1_000;
    this.claimStaleMs = options.claimStaleMs ?? 30_000;
    client.on('serverHeartbeatFailed', (e) => this.setConnected(false, e.failure));
    client.on('serverHeartbeatSucceeded', () => this.setConnected(true));
  }

  /** Whether the last contact with the server worked; loss and recovery are also logged. */
  get isConnected(): boolean {
    return this.connected;
  }

  async load(collection: string, id: string): Promise<StoredDocument | undefined> {
    checkId(id);
    const row = await this.run(`load ${collection}/${id}`, () => this.col(collection).findOne({ _id: id }));
    return row ? toStored(row) : undefined;
  }

  async save(collection: string, request: SaveRequest): Promise<number> {
    const [outcome] = await this.saveBatch(collection, [request]);
    if (!outcome!.ok) throw new VersionConflictError(collection, request.id, request.expectedVersion, outcome!.actualVersion);
    return outcome!.version;
  }

  async saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    checkSaveRequests(collection, requests);
    for (const r of requests) validateDocument(r.data, this.limits, `${collection}/${r.id}`);
    this.col(collection);
    const outcomes: SaveOutcome[] = [];
    for (let i = 0; i < requests.length; i += this.chunkSize) {
      outcomes.push(...(await this.writeChunk(collection, requests.slice(i, i + this.chunkSize))));
    }
    return outcomes;
  }

  async delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
    checkId(id);
    if (expectedVersion !== undefined) checkVersion(expectedVersion);
    const col = this.col(collection);
    const filter = expectedVersion === undefined ? { _id: id } : { _id: id, _v: expectedVersion };
    let retried = false;
    const { deletedCount } = await this.run(`delete ${collection}/${id}`, (attempt) => {
      retried = attempt > 1;
      return col.deleteOne(filter);
    });
    if (deletedCount > 0) await this.run(`forget claims of ${collection}/${id}`, async () => this.claimsFor(collection)?.forget(id));
    if (deletedCount > 0 || expectedVersion === undefined) return deletedCount > 0;
    const row = await this.run(`load ${collection}/${id}`, () => col.findOne({ _id: id }, { projection: { _v: 1 } }));
    // Gone after a retried delete: the first attempt landed before its reply was lost.
    if (!row && retried) return true;
    throw new VersionConflictError(collection, id, expectedVersion, row?._v ?? 0);
  }

  async find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    const limit = checkFind(collection, filter, options);
    const rows = await this.run(`find ${collection}`, () => this.col(collection).find(filter, { limit }).toArray());
    return rows.map(toStored);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** Creates the configured indexes; called once by {@link connectMongoStore}. */
  async createIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const { collection, fields } of indexes) {
      const keys = Object.fromEntries(fields.map((f) => [f, 1 as const]));
      await this.run(`create index on ${collection}`, () => this.col(collection).createIndex(keys));
    }
  }

  private async writeChunk(collection: string, chunk: SaveRequest[]): Promise<SaveOutcome[]> {
    const col = this.col(collection);
    const token = randomBytes(12).toString('base64url');
    const claims = this.claimsFor(collection);
    let writable = chunk;
    if (claims) {
      const updates = chunk.filter((r) => r.expectedVersion !== 0);
      const won = await this.run(`claim versions in ${collection}`, () => claims.acquire(updates, token));
      writable = chunk.filter((r) => r.expectedVersion === 0 || won.has(r.id));
    }
    const certain = writable.length === 0 || (await this.bulkWrite(col, writable, token));
    // What is not known to have landed is read back: `_w` tells whether this writer's write is there.
    const unsure = certain ? chunk.filter((r) => !writable.includes(r)) : chunk;
    const verified = await this.verify(col, unsure, token);
    const outcomes = chunk.map((r): SaveOutcome => verified.get(r.id) ?? { id: r.id, ok: true, version: r.expectedVersion + 1 });
    if (claims) {
      const landed = writable.filter((r) => verified.get(r.id)?.ok !== false);
      const failed = writable.filter((r) => verified.get(r.id)?.ok === false);
      await this.run(`release claims in ${collection}`, () => claims.release(landed, failed, token));
    }
    return outcomes;
  }

  // Unordered bulk writes; true when every write is known to have landed on the first attempt.
  private async bulkWrite(col: Collection<Row>, requests: SaveRequest[], token: string): Promise<boolean> {
    const inserts: AnyBulkWriteOperation<Row>[] = [];
    const replaces: AnyBulkWriteOperation<Row>[] = [];
    for (const r of requests) {
      if (r.expectedVersion === 0) inserts.push({ insertOne: { document: { ...r.data, _id: r.id, _v: 1, _w: token } } });
      else {
        // Under claims the holder has checked the version already; `_id` alone is a key lookup on FerretDB.
        const filter = this.useClaims ? { _id: r.id } : { _id: r.id, _v: r.expectedVersion };
        replaces.push({ replaceOne: { filter, replacement: { ...r.data, _v: r.expectedVersion + 1, _w: token } as Row } });
      }
    }
    const groups = inserts.length > 0 ? [inserts] : [];
    for (let i = 0; i < replaces.length; i += this.updatesPerCommand) groups.push(replaces.slice(i, i + this.updatesPerCommand));
    let certain = true;
    for (const ops of groups) certain = (await this.bulkGroup(col, ops)) && certain;
    return certain;
  }

  private bulkGroup(col: Collection<Row>, ops: AnyBulkWriteOperation<Row>[]): Promise<boolean> {
    const replaces = ops.filter((op) => 'replaceOne' in op).length;
    return this.run(`save ${ops.length} to ${col.collectionName}`, async (attempt) => {
      try {
        const res = await col.bulkWrite(ops, { ordered: false });
        return attempt === 1 && res.matchedCount === replaces;
      } catch (err) {
        if (!(err instanceof MongoBulkWriteError)) throw err;
        const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
        const other = errors.find((e) => e.code !== DUPLICATE_KEY);
        if (other) throw new StoreError('STORE_ERR_BACKEND', `${col.collectionName}: ${other.errmsg ?? other.code}`, { cause: err });
        return false;
      }
    });
  }

  private async verify(col: Collection<Row>, requests: SaveRequest[], token: string): Promise<Map<string, SaveOutcome>> {
    if (requests.length === 0) return new Map();
    const rows = await this.run(`verify ${requests.length} in ${col.collectionName}`, () =>
      col.find({ _id: { $in: requests.map((r) => r.id) } }, { projection: { _v: 1, _w: 1 } }).toArray(),
    );
    const found = new Map(rows.map((row) => [row._id, row]));
    return new Map(
      requests.map((r): [string, SaveOutcome] => {
        const row = found.get(r.id);
        if (row && row._w === token && row._v === r.expectedVersion + 1) return [r.id, { id: r.id, ok: true, version: row._v }];
        // Still at the expected version but not written: another writer holds the claim.
        const actualVersion = row?._v === r.expectedVersion ? undefined : (row?._v ?? 0);
        return [r.id, { id: r.id, ok: false, expectedVersion: r.expectedVersion, actualVersion }];
      }),
    );
  }

  private claimsFor(collection: string): VersionClaims | undefined {
    if (!this.useClaims) return undefined;
    let claims = this.claims.get(collection);
    if (!claims) {
      const versionOf = async (ids: string[]): Promise<Map<string, number>> => {
        const rows = await this.col(collection).find({ _id: { $in: ids } }, { projection: { _v: 1 } }).toArray();
        return new Map(rows.map((row) => [row._id, row._v]));
      };
      claims = new VersionClaims(this.db.collection(`${collection}__claims`), versionOf, this.options.clock, this.claimStaleMs);
      this.claims.set(collection, claims);
    }
    return claims;
  }

  private col(collection: string): Collection<Row> {
    if (this.closed) throw new StoreError('STORE_ERR_CLOSED', `mongodb store ${this.options.database}`);
    checkCollection(collection);
    return this.db.collection<Row>(collection);
  }

  // Runs one driver operation with bounded retries; a failure that outlives them is reported as
  // STORE_ERR_UNAVAILABLE, never hidden.
  private async run<T>(what: string, op: (attempt: number) => Promise<T>): Promise<T> {
    try {
      const result = await withRetry(op, this.retry, this.options.clock, isTransientMongoError, (err, retry) => {
        this.setConnected(false, err);
        this.options.logger.warn('mongodb operation failed, retrying', { what, retry, err });
      });
      this.setConnected(true);
      return result;
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (isTransientMongoError(err)) {
        this.setConnected(false, err);
        throw new StoreError('STORE_ERR_UNAVAILABLE', `${what}: mongodb did not answer after ${this.retry.maxRetries} retries`, { cause: err });
      }
      throw new StoreError('STORE_ERR_BACKEND', `${what}: ${(err as Error).message}`, { cause: err });
    }
  }

  private setConnected(connected: boolean, err?: unknown): void {
    if (connected === this.connected || this.closed) return;
    this.connected = connected;
    if (connected) this.options.logger.info('mongodb connection restored', { database: this.options.database });
    else this.options.logger.warn('mongodb connection lost', { database: this.options.database, err });
  }
}

/**
 * Connects to MongoDB, checks that it answers (and whether it is FerretDB), and creates the
 * configured indexes.
 * @throws StoreError STORE_ERR_UNAVAILABLE when the server cannot be reached within the retry bound.
 */
export async function connectMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const timeout = options.serverSelectionTimeoutMs ?? 5_000;
  const client = new MongoClient(options.url, {
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    promoteBuffers: true,
  });
  try {
    const info = await withRetry(() => client.db(options.database).command({ buildInfo: 1 }), options.retry ?? DEFAULT_RETRY, options.clock, isTransientMongoError);
    const ferretdb = 'ferretdbVersion' in info;
    const store = new MongoStore(client, options, {
      versionClaims: options.versionClaims ?? ferretdb,
      updatesPerCommand: options.updatesPerCommand ?? (ferretdb ? 50 : Number.MAX_SAFE_INTEGER),
    });
    await store.createIndexes(options.indexes ?? []);
    return store;
  } catch (err) {
    await client.close().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError('STORE_ERR_UNAVAILABLE', `cannot reach mongodb at ${options.url}`, { cause: err });
  }
}
