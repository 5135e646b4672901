/**
 * The production store on MongoDB through the official driver (FerretDB in the tests).
 *
 * Layout: one MongoDB collection per store collection; a document is
 * `{ _id: id, _v: version, _w: writeToken, ...data }` (see mongo-chunk-writer.ts for writes and
 * mongo-claims.ts for what changes on FerretDB); ownership claims are in mongo-owners.ts.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient, type Collection, type Db } from 'mongodb';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { checkCollection, checkFind, checkId, checkOwner, checkOwnerRefs, checkSaveRequests, checkTtl, checkVersion } from './check-arguments.js';
import { OwnershipHeldError, StoreError, VersionConflictError } from './errors.js';
import { InFlight } from './in-flight.js';
import { VersionClaims } from './mongo-claims.js';
import { writeChunk } from './mongo-chunk-writer.js';
import { isTransientMongoError } from './mongo-errors.js';
import { MongoOwners } from './mongo-owners.js';
import { toStored, type Row } from './mongo-row.js';
import { backoffDelay } from '../timer/backoff.js';
import { withRetry, type RetryPolicy } from './retry.js';
import { saveOne } from './save-one.js';
import type { FindFilter, FindOptions, IndexSpec, OwnerClaim, OwnerRef, SaveOutcome, SaveRequest, Store, StoredDocument } from './store.js';
import { DEFAULT_DOCUMENT_LIMITS, validateDocument, type DocumentLimits } from './validate-document.js';

/** Options for {@link connectMongoStore}; defaults match engine/config/defaults.ts. */
export interface MongoStoreOptions {
  url: string;
  database: string;
  clock: Clock;
  logger: Logger;
  /** Transient errors are retried with backoff (default 5 retries, 100 ms doubling to 5 s). */
  retry?: RetryPolicy;
  /** How long one attempt waits for a usable server (default 5,000 ms). */
  serverSelectionTimeoutMs?: number;
  /** Document limits (default {@link DEFAULT_DOCUMENT_LIMITS}). */
  limits?: DocumentLimits;
  /** Secondary indexes, created at connect. */
  indexes?: readonly IndexSpec[];
  /** Writes per chunk of a batch (default 1,000). */
  bulkChunkSize?: number;
  /**
   * Guard version changes with claims ({@link VersionClaims}); by default on exactly when the
   * server is FerretDB, whose conditional update is not atomic. MongoDB's own is.
   */
  versionClaims?: boolean;
  /**
   * Age after which a crashed writer's claim may be taken over (default and minimum: twice the
   * longest a chunk can hold its claims, that is {@link CLAIM_HOLDING_STEPS} retried operations,
   * and at least 30 s).
   */
  claimStaleMs?: number;
  /**
   * Most replacements in one update command; by default unlimited, and 50 on FerretDB, whose
   * SQLite backend stops answering an update command of 100 statements or more.
   */
  updatesPerCommand?: number;
}

const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseMs: 100, maxMs: 5_000 };
/** Operations a chunk runs while it holds claims: claim, insert, update, verify. */
const CLAIM_HOLDING_STEPS = 4;
const DEFAULT_SERVER_SELECTION_MS = 5_000;
/** Attempts at moving a document under a new epoch while an earlier owner's write is landing. */
const FENCE_ATTEMPTS = 5;

/** What differs when the server is FerretDB rather than MongoDB. */
interface ServerTraits {
  versionClaims: boolean;
  updatesPerCommand: number;
}

/** A {@link Store} on MongoDB. Create it with {@link connectMongoStore}. */
export class MongoStore implements Store {
  readonly backend = 'mongodb';
  /** Heartbeat state per server address: a replica set is reachable while any member answers. */
  private readonly servers = new Map<string, boolean>();
  private reachable = true;
  private readonly inflight: InFlight;
  private readonly db: Db;
  private readonly retry: RetryPolicy;
  private readonly claimStaleMs: number;
  private readonly claims = new Map<string, VersionClaims>();
  private readonly owners = new Map<string, MongoOwners>();

  /** @param traits how to treat the server, from its buildInfo (see {@link connectMongoStore}). */
  constructor(
    private readonly client: MongoClient,
    private readonly options: MongoStoreOptions,
    private readonly traits: ServerTraits,
  ) {
    this.db = client.db(options.database);
    this.inflight = new InFlight(`mongodb store ${options.database}`);
    this.retry = options.retry ?? DEFAULT_RETRY;
    // A writer still retrying must not see its claims taken over: the bound is the longest a
    // chunk holds them, each of its steps retried in full (claims-mode chunks are one command long).
    let longest = 0;
    for (let i = 1; i <= this.retry.maxRetries + 1; i++) {
      longest += (options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_MS) + backoffDelay(this.retry, i, () => 1);
    }
    this.claimStaleMs = Math.max(options.claimStaleMs ?? 30_000, 2 * CLAIM_HOLDING_STEPS * longest);
    client.on('serverHeartbeatFailed', (e) => this.heartbeat(e.connectionId, false, e.failure));
    client.on('serverHeartbeatSucceeded', (e) => this.heartbeat(e.connectionId, true));
  }

  /** Whether the last contact with the server worked; loss and recovery are also logged. */
  get connected(): boolean {
    return this.reachable;
  }

  load(collection: string, id: string): Promise<StoredDocument | undefined> {
    return this.inflight.run(async () => {
      checkId(id);
      const row = await this.run(`load ${collection}/${id}`, () => this.col(collection).findOne({ _id: id }));
      return row ? toStored(row) : undefined;
    });
  }

  save(collection: string, request: SaveRequest): Promise<number> {
    return saveOne(this, collection, request);
  }

  saveBatch(collection: string, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    return this.inflight.run(async () => {
      checkSaveRequests(collection, requests);
      const limits = this.options.limits ?? DEFAULT_DOCUMENT_LIMITS;
      for (const r of requests) validateDocument(r.data, limits, `${collection}/${r.id}`);
      const col = this.col(collection);
      const ctx = { run: this.run.bind(this), logger: this.options.logger, updatesPerCommand: this.traits.updatesPerCommand };
      const chunkSize = this.traits.versionClaims ? this.traits.updatesPerCommand : (this.options.bulkChunkSize ?? 1_000);
      const refused = await this.staleCreates(collection, requests);
      const writable = refused.size === 0 ? requests : requests.filter((r) => !refused.has(r.id));
      const written = new Map<string, SaveOutcome>();
      for (let i = 0; i < writable.length; i += chunkSize) {
        for (const o of await writeChunk(ctx, col, this.claimsFor(collection), writable.slice(i, i + chunkSize))) written.set(o.id, o);
      }
      return requests.map((r) => refused.get(r.id) ?? written.get(r.id)!);
    });
  }

  delete(collection: string, id: string, expectedVersion?: number): Promise<boolean> {
    return this.inflight.run(async () => {
      checkId(id);
      if (expectedVersion !== undefined) checkVersion(expectedVersion);
      const col = this.col(collection);
      const claims = this.claimsFor(collection);
      // On FerretDB a versioned delete takes the next version's claim, as an update would.
      const token = claims && expectedVersion ? randomBytes(12).toString('base64url') : undefined;
      if (claims && token && expectedVersion) {
        const won = await this.run(`claim ${collection}/${id}`, () => claims.acquire([{ id, expectedVersion }], token));
        if (!won.has(id)) throw new VersionConflictError(collection, id, expectedVersion, undefined);
      }
      const filter = expectedVersion === undefined ? { _id: id } : { _id: id, _v: expectedVersion };
      let retried = false;
      let deletedCount = 0;
      try {
        ({ deletedCount } = await this.run(`delete ${collection}/${id}`, (attempt) => {
          retried = attempt > 1;
          return col.deleteOne(filter);
        }));
      } finally {
        if (claims && deletedCount > 0) await this.tidy(() => claims.forget(id));
        else if (claims && token) await this.tidy(() => claims.releaseToken(token));
      }
      if (deletedCount > 0 || expectedVersion === undefined) return deletedCount > 0;
      const row = await this.run(`load ${collection}/${id}`, () => col.findOne({ _id: id }, { projection: { _v: 1 } }));
      if (!row && expectedVersion === 0) return false;
      if (!row && retried) {
        // The first attempt landed before its reply was lost.
        if (claims) await this.tidy(() => claims.forget(id));
        return true;
      }
      throw new VersionConflictError(collection, id, expectedVersion, row?._v ?? 0);
    });
  }

  find(collection: string, filter: FindFilter, options?: FindOptions): Promise<StoredDocument[]> {
    return this.inflight.run(async () => {
      const limit = checkFind(collection, filter, options);
      const rows = await this.run(`find ${collection}`, () => this.col(collection).find(filter, { limit }).toArray());
      return rows.map(toStored);
    });
  }

  claimOwner(collection: string, id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    return this.inflight.run(async () => {
      checkId(id);
      checkOwner(owner);
      checkTtl(ttlMs);
      return this.ownersOf(collection).claim(id, owner, ttlMs);
    });
  }

  renewOwners(collection: string, claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    return this.inflight.run(async () => {
      checkOwnerRefs(collection, claims);
      checkTtl(ttlMs);
      return this.ownersOf(collection).renew(claims, ttlMs);
    });
  }

  releaseOwner(collection: string, claim: OwnerRef): Promise<void> {
    return this.inflight.run(async () => {
      checkOwnerRefs(collection, [claim]);
      await this.ownersOf(collection).release(claim);
    });
  }

  async close(): Promise<void> {
    await this.inflight.close();
    await this.client.close();
  }

  /** Creates the configured indexes; called once by {@link connectMongoStore}. */
  async createIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const { collection, fields } of indexes) {
      const keys = Object.fromEntries(fields.map((f) => [f, 1 as const]));
      await this.run(`create index on ${collection}`, () => this.col(collection).createIndex(keys));
    }
  }

  // A create under an epoch that a later claim superseded is refused: with no document there is
  // no fence to stop it, so the claim records decide.
  private async staleCreates(collection: string, requests: readonly SaveRequest[]): Promise<Map<string, SaveOutcome>> {
    const creates = requests.filter((r) => r.expectedVersion === 0 && r.epoch !== undefined);
    const refused = new Map<string, SaveOutcome>();
    if (creates.length === 0) return refused;
    const latest = await this.ownersOf(collection).latestEpochs(creates.map((r) => r.id));
    for (const r of creates) {
      const actualEpoch = latest.get(r.id) ?? 0;
      if (actualEpoch > r.epoch!) refused.set(r.id, { id: r.id, ok: false, expectedVersion: 0, actualVersion: 0, actualEpoch });
    }
    return refused;
  }

  // Claim housekeeping after the real work: a failure is logged (the claims go stale) and never
  // replaces the outcome of the work.
  private async tidy(op: () => Promise<void>): Promise<void> {
    try {
      await this.run('claim housekeeping', op);
    } catch (err) {
      this.options.logger.warn('claims not released; they expire as stale', { err });
    }
  }

  private col(collection: string): Collection<Row> {
    checkCollection(collection);
    return this.db.collection<Row>(collection);
  }

  private ownersOf(collection: string): MongoOwners {
    let owners = this.owners.get(collection);
    if (!owners) {
      const col = this.col(collection);
      owners = new MongoOwners(collection, this.db, {
        run: (what, op) => this.run(what, op),
        clock: this.options.clock,
        logger: this.options.logger,
        fence: (id, epoch) => this.fence(collection, col, id, epoch),
      });
      this.owners.set(collection, owners);
    }
    return owners;
  }

  // Moves a document to a new version under `epoch`, its data unchanged, through the ordinary
  // conditional write; an earlier owner's save landing meanwhile is waited out a few times.
  private async fence(collection: string, col: Collection<Row>, id: string, epoch: number): Promise<void> {
    const ctx = { run: this.run.bind(this), logger: this.options.logger, updatesPerCommand: this.traits.updatesPerCommand };
    for (let attempt = 1; attempt <= FENCE_ATTEMPTS; attempt++) {
      const row = await this.run(`load ${collection}/${id}`, () => col.findOne({ _id: id }));
      if (!row) return;
      if ((row._e ?? 0) > epoch) throw new OwnershipHeldError(collection, id, undefined, undefined);
      const [outcome] = await writeChunk(ctx, col, this.claimsFor(collection), [{ id, data: toStored(row).data, expectedVersion: row._v, epoch }]);
      if (outcome!.ok) return;
      const delay = backoffDelay(this.retry, attempt);
      await new Promise<void>((resolve) => this.options.clock.setTimer(resolve, delay));
    }
    throw new OwnershipHeldError(collection, id, undefined, undefined);
  }

  private claimsFor(collection: string): VersionClaims | undefined {
    if (!this.traits.versionClaims) return undefined;
    let claims = this.claims.get(collection);
    if (!claims) {
      const versionsOf = async (ids: string[]): Promise<Map<string, number>> => {
        const rows = await this.col(collection).find({ _id: { $in: ids } }, { projection: { _v: 1 } }).toArray();
        return new Map(rows.map((row) => [row._id, row._v]));
      };
      claims = new VersionClaims(this.db.collection(`${collection}__claims`), versionsOf, this.options.clock, this.claimStaleMs);
      this.claims.set(collection, claims);
    }
    return claims;
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

  private heartbeat(address: string, up: boolean, err?: unknown): void {
    this.servers.set(address, up);
    this.setConnected([...this.servers.values()].some(Boolean), err);
  }

  private setConnected(connected: boolean, err?: unknown): void {
    if (connected === this.reachable) return;
    this.reachable = connected;
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
  const timeout = options.serverSelectionTimeoutMs ?? DEFAULT_SERVER_SELECTION_MS;
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: timeout, connectTimeoutMS: timeout, promoteBuffers: true });
  try {
    const info = await withRetry(
      () => client.db(options.database).command({ buildInfo: 1 }),
      options.retry ?? DEFAULT_RETRY,
      options.clock,
      isTransientMongoError,
    );
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
