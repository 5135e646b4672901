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
 */
import { randomBytes } from 'node:crypto';
import { MongoServerError, type Collection } from 'mongodb';
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

/** Most claims in one renewal command. */
const RENEW_CHUNK = 1_000;
const DUPLICATE_KEY = 11000;

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
  private indexed: Promise<unknown> | undefined;

  constructor(
    private readonly collection: string,
    private readonly owners: Collection<OwnerRow>,
    private readonly ctx: MongoOwnersContext,
  ) {}

  /** See Store.claimOwner. */
  async claim(id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    await this.ensureIndex();
    const { run, clock } = this.ctx;
    const now = clock.now();
    const last = await this.latest(id);
    if (last && last.exp > now) throw new OwnershipHeldError(this.collection, id, last.owner, last.exp);
    const epoch = (last?.epoch ?? 0) + 1;
    const row: OwnerRow = { _id: `${id}#${epoch}`, id, epoch, owner, exp: now + ttlMs, w: randomBytes(12).toString('base64url') };
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
      const winner = await this.latest(id);
      throw new OwnershipHeldError(this.collection, id, winner?.owner, winner?.exp);
    }
    // A claimant that stalled between reading the latest epoch and inserting the next may have
    // inserted an epoch that was taken and forgotten meanwhile: a later record tells.
    const after = await this.latest(id).catch(async (err: unknown) => {
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
    await run(`forget old claims of ${this.collection}/${id}`, () => this.owners.deleteMany({ id, epoch: { $lt: epoch } })).catch((err: unknown) =>
      this.ctx.logger.warn('old ownership claims not removed; removed at the next claim', { err, collection: this.collection, id }),
    );
    return { id, owner, epoch, expiresAt: row.exp };
  }

  /** The latest epoch claimed of each of `ids` that has a claim record. */
  async latestEpochs(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.ctx.run(`read claims of ${ids.length} in ${this.collection}`, () =>
      this.owners.find({ id: { $in: [...ids] } }, { projection: { id: 1, epoch: 1 } }).toArray(),
    );
    const latest = new Map<string, number>();
    for (const row of rows) if ((latest.get(row.id) ?? 0) < row.epoch) latest.set(row.id, row.epoch);
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
    await this.ctx.run(`release ${this.collection}/${id}`, () => this.owners.updateOne({ _id: `${id}#${epoch}` }, { $set: { exp: 0 } }));
  }

  private async renewChunk(claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    if (claims.length === 0) return [];
    const { run, clock } = this.ctx;
    const now = clock.now();
    const exp = now + ttlMs;
    const keys = claims.map((c) => `${c.id}#${c.epoch}`);
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

  private latest(id: string): Promise<OwnerRow | null> {
    return this.ctx.run(`read claim of ${this.collection}/${id}`, () => this.owners.findOne({ id }, { sort: { epoch: -1 } }));
  }

  private async ensureIndex(): Promise<void> {
    this.indexed ??= this.ctx.run(`index ${this.collection}__owners`, () => this.owners.createIndex({ id: 1, epoch: -1 }));
    await this.indexed.catch((err: unknown) => {
      this.indexed = undefined;
      throw err;
    });
  }
}
