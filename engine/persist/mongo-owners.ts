/**
 * Ownership claims on MongoDB: one record per claim in `<collection>__owners`,
 * `{ _id: '<id>#<epoch>', id, epoch, owner, exp, w }`. Taking epoch n+1 is an insert of
 * `<id>#<n+1>`, whose unique `_id` lets exactly one taker win on any MongoDB-compatible server
 * (FerretDB v1's conditional updates are not atomic, its inserts are). The taker then moves the
 * document to a new version under the new epoch (the fence, through the store's ordinary
 * conditional write, which on FerretDB is guarded by version claims): from then on no earlier
 * owner's save can land, since each names a version the document has left. A taker that finds a
 * later record after its insert (it stalled while epochs were taken and forgotten) gives its claim
 * back: an epoch is never used twice. Records of older epochs are removed once the fence is up.
 * A create under an epoch is refused by the store when a later claim record exists. `exp` comes from each writer's clock, so hosts' clocks
 * must agree to well within the claim time.
 *
 * Every claim is found by `_id` alone, the one lookup every MongoDB-compatible server answers from
 * an index (FerretDB v1 on SQLite scans the whole collection for any other filter): a head record
 * `{ _id: '<id>#head', epoch }` names the epoch the latest claim was taken from (raised after each
 * fence, before the older records go), and the latest is found by reading `<id>#<epoch>` upwards
 * from it until one is missing. With no head nothing was ever removed, so the records start at
 * epoch 1. A head whose record is gone (a slow writer lowered it) sends the reader to a scan.
 */
import { randomBytes } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { OwnershipHeldError } from './errors.js';
import type { OwnerClaim, OwnerRef } from './store.js';

interface OwnerRow {
  _id: string;
  id: string;
  epoch: number;
  owner: string;
  exp: number;
  /** A random token of the insert, to recognise it after a retried insert. */
  w: string;
}

/** Where the latest claim of an id was looked up from. */
interface HeadRow {
  _id: string;
  epoch: number;
}

/** The latest claim record of an id, and the epochs of those before it still kept. */
interface Latest {
  row: OwnerRow | null;
  older: number[];
}

/** Most claims in one renewal command. */
const RENEW_CHUNK = 1_000;
/** Most ids whose latest claims are read by `_id` (a few reads each); more are read in one query. */
const POINT_READS = 16;
const DUPLICATE_KEY = 11000;

/**
 * Runs an upsert of `heads` heads, again when it meets a duplicate key: processes upserting the
 * same missing head at once (each preparing the collection, or claiming after a head was removed)
 * can all try its insert, and the losers' next try finds the head and raises it. Each duplicate
 * means one more head exists, so `heads` tries after the first are enough.
 */
async function upsertHeads<T>(heads: number, op: () => Promise<T>): Promise<T> {
  for (let retries = heads; ; retries--) {
    try {
      return await op();
    } catch (err) {
      if (retries === 0 || !(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
    }
  }
}

/** How the owners of one collection run their commands. */
export interface MongoOwnersContext {
  /** Runs one driver operation with the store's bounded retries. */
  run<T>(what: string, op: () => Promise<T>): Promise<T>;
  clock: Clock;
  logger: Logger;
  /**
   * Moves document `id` to a new version under `epoch`; nothing when there is no document.
   * @throws OwnershipHeldError when the document cannot be moved (a later epoch holds it, or an
   *   earlier owner keeps writing).
   */
  fence(id: string, epoch: number): Promise<void>;
}

/** The claims of one collection. */
export class MongoOwners {
  private prepared: Promise<unknown> | undefined;
  private readonly owners: Collection<OwnerRow>;
  private readonly heads: Collection<HeadRow>;

  /** Keeps the claims of `collection` in `<collection>__owners` of `db`. */
  constructor(
    private readonly collection: string,
    db: Db,
    private readonly ctx: MongoOwnersContext,
  ) {
    this.owners = db.collection<OwnerRow>(`${collection}__owners`);
    this.heads = db.collection<HeadRow>(`${collection}__owners`);
  }

  /** See Store.claimOwner. */
  async claim(id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    await this.prepare();
    const { run, clock } = this.ctx;
    const now = clock.now();
    const { row: last, older } = await this.latest(id);
    if (last && last.exp > now) throw new OwnershipHeldError(this.collection, id, last.owner, last.exp);
    const epoch = (last?.epoch ?? 0) + 1;
    const row: OwnerRow = { _id: recordKey(id, epoch), id, epoch, owner, exp: now + ttlMs, w: randomBytes(12).toString('base64url') };
    const won = await run(`claim ${this.collection}/${id}`, async () => {
      try {
        await this.owners.insertOne(row);
        return true;
      } catch (err) {
        if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
        // A retried insert finds its own first attempt.
        return (await this.owners.findOne({ _id: row._id }))?.w === row.w;
      }
    });
    if (!won) {
      const { row: winner } = await this.latest(id);
      throw new OwnershipHeldError(this.collection, id, winner?.owner, winner?.exp);
    }
    // A claimant that stalled between reading the latest epoch and inserting the next may have
    // inserted an epoch that was taken and forgotten meanwhile: a later record tells.
    const { row: after } = await this.latest(id).catch(async (err: unknown) => {
      await this.giveBack(id, epoch);
      throw err;
    });
    if (after && after.epoch > epoch) {
      await this.giveBack(id, epoch);
      throw new OwnershipHeldError(this.collection, id, after.owner, after.exp);
    }
    try {
      await this.ctx.fence(id, epoch);
    } catch (err) {
      await this.giveBack(id, epoch);
      throw err;
    }
    // Housekeeping: the claim is taken whether or not the old records go now (the latest decides).
    // The head moves first: records below it are never read again, and with it unmoved they stay.
    const forgotten = [...older, ...(last ? [last.epoch] : [])];
    await run(`forget old claims of ${this.collection}/${id}`, async () => {
      await upsertHeads(1, () => this.heads.updateOne({ _id: headKey(id) }, { $max: { epoch } }, { upsert: true }));
      if (forgotten.length > 0) await this.owners.bulkWrite(forgotten.map((e) => ({ deleteOne: { filter: { _id: recordKey(id, e) } } })), { ordered: false });
    }).catch((err: unknown) =>
      this.ctx.logger.warn('old ownership claims not removed; removed at the next claim', { err, collection: this.collection, id }),
    );
    return { id, owner, epoch, expiresAt: row.exp };
  }

  /**
   * The latest epoch claimed of each of `ids` that has a claim record: a few ids (a critical save,
   * a login's first save) by `_id` at once, more in one query on `{ id, epoch }` (a scan on FerretDB,
   * once for the whole batch).
   */
  async latestEpochs(ids: readonly string[]): Promise<Map<string, number>> {
    await this.prepare();
    const latest = new Map<string, number>();
    if (ids.length > POINT_READS) {
      const rows = await this.ctx.run(`read claims of ${ids.length} in ${this.collection}`, () =>
        this.owners.find({ id: { $in: [...ids] } }, { projection: { id: 1, epoch: 1 } }).toArray(),
      );
      for (const row of rows) if ((latest.get(row.id) ?? 0) < row.epoch) latest.set(row.id, row.epoch);
      return latest;
    }
    await Promise.all(
      ids.map(async (id) => {
        const { row } = await this.latest(id);
        if (row) latest.set(id, row.epoch);
      }),
    );
    return latest;
  }

  /** See Store.renewOwners. */
  async renew(claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < claims.length; i += RENEW_CHUNK) lost.push(...(await this.renewChunk(claims.slice(i, i + RENEW_CHUNK), ttlMs)));
    return lost;
  }

  /** See Store.releaseOwner. */
  async release({ id, epoch }: OwnerRef): Promise<void> {
    await this.ctx.run(`release ${this.collection}/${id}`, () => this.owners.updateOne({ _id: recordKey(id, epoch) }, { $set: { exp: 0 } }));
  }

  private async renewChunk(claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    if (claims.length === 0) return [];
    const { run, clock } = this.ctx;
    const now = clock.now();
    const exp = now + ttlMs;
    const keys = claims.map((c) => recordKey(c.id, c.epoch));
    await run(`renew ${claims.length} claims in ${this.collection}`, () => this.owners.updateMany({ _id: { $in: keys }, exp: { $gt: now } }, { $set: { exp } }));
    // Read after the update: a claim taken over meanwhile shows as a later epoch.
    const rows = await run(`read ${claims.length} claims in ${this.collection}`, () =>
      this.owners.find({ id: { $in: claims.map((c) => c.id) } }, { projection: { id: 1, epoch: 1, exp: 1 } }).toArray(),
    );
    const latest = new Map<string, OwnerRow>();
    for (const row of rows) if ((latest.get(row.id)?.epoch ?? 0) < row.epoch) latest.set(row.id, row);
    return claims.filter((c) => {
      const row = latest.get(c.id);
      return !row || row.epoch !== c.epoch || row.exp !== exp;
    }).map((c) => c.id);
  }

  // A claim that cannot be kept is given back; if that fails too it lapses after its time.
  private async giveBack(id: string, epoch: number): Promise<void> {
    await this.release({ id, epoch }).catch((err: unknown) =>
      this.ctx.logger.warn('ownership claim not given back; it lapses', { err, collection: this.collection, id, epoch }),
    );
  }

  // Reads upwards from the head (epoch 1 without one) until a record is missing.
  private async latest(id: string): Promise<Latest> {
    const { run } = this.ctx;
    const head = await run(`read claim head of ${this.collection}/${id}`, () => this.heads.findOne({ _id: headKey(id) }));
    const kept: OwnerRow[] = [];
    for (let epoch = head?.epoch ?? 1; ; epoch++) {
      const row = await run(`read claim of ${this.collection}/${id}`, () => this.owners.findOne({ _id: recordKey(id, epoch) }));
      if (!row) break;
      kept.push(row);
    }
    if (kept.length === 0 && head) return this.scanLatest(id);
    return { row: kept.pop() ?? null, older: kept.map((row) => row.epoch) };
  }

  private async scanLatest(id: string): Promise<Latest> {
    const rows = await this.ctx.run(`scan claims of ${this.collection}/${id}`, () => this.owners.find({ id }, { projection: { w: 0 } }).toArray());
    rows.sort((a, b) => a.epoch - b.epoch);
    const row = rows.pop() ?? null;
    return { row, older: rows.map((r) => r.epoch) };
  }

  // Once per collection and process: the index of the scans, and heads for records written
  // before heads were kept (one scan; nothing is written when every id has its head).
  private async prepare(): Promise<void> {
    this.prepared ??= this.ctx.run(`prepare ${this.collection}__owners`, async () => {
      await this.owners.createIndex({ id: 1, epoch: -1 });
      const latest = new Map<string, number>();
      const heads = new Map<string, number>();
      for (const row of await this.owners.find({}, { projection: { id: 1, epoch: 1 } }).toArray()) {
        if (row.id === undefined) heads.set(row._id, row.epoch);
        else latest.set(row.id, Math.max(latest.get(row.id) ?? 0, row.epoch));
      }
      const missing = [...latest].filter(([id, epoch]) => (heads.get(headKey(id)) ?? 0) < epoch);
      if (missing.length === 0) return;
      const raise = missing.map(([id, epoch]) => ({ updateOne: { filter: { _id: headKey(id) }, update: { $max: { epoch } }, upsert: true } }));
      await upsertHeads(raise.length, () => this.heads.bulkWrite(raise, { ordered: false }));
    });
    await this.prepared.catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
  }
}

function recordKey(id: string, epoch: number): string {
  return `${id}#${epoch}`;
}

// Never a record's key: those end in digits.
function headKey(id: string): string {
  return `${id}#head`;
}
