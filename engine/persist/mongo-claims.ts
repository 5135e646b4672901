/**
 * Version claims: the compare-and-set that makes optimistic version checks safe on servers whose
 * conditional update is not atomic (FerretDB v1 reads and then writes). Before moving a document
 * from version v to v+1, a writer inserts the claim `<id>@<v+1>` into `<collection>__claims`; the
 * unique `_id` lets exactly one writer hold it, on every MongoDB-compatible server. After the write
 * the claim for the version before it is removed, so one claim per document remains. A claim
 * abandoned by a crashed writer is taken over once it is older than `staleMs` and the document
 * has not moved.
 */
import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { Clock } from '../timer/clock.js';
import { StoreError } from './errors.js';
import { DUPLICATE_KEY } from './mongo-errors.js';
import type { SaveRequest } from './store.js';

interface Claim {
  _id: string;
  w: string;
  at: number;
}

/** The claims of one collection, written under one write token. */
export class VersionClaims {
  /**
   * @param claims the `<collection>__claims` collection.
   * @param versionOf reads the current versions of documents (0: absent).
   * @param staleMs age after which an unfinished claim may be taken over.
   */
  constructor(
    private readonly claims: Collection<Claim>,
    private readonly versionOf: (ids: string[]) => Promise<Map<string, number>>,
    private readonly clock: Clock,
    private readonly staleMs: number,
  ) {}

  /** The claim id for the write that makes `request` version `expectedVersion + 1`. */
  static claimId(id: string, version: number): string {
    return `${id}@${version}`;
  }

  /**
   * Claims the next version of every request; safe to call again with the same token after a
   * transient failure, since a claim already holding `token` counts as won.
   * @returns the ids whose claim this writer holds.
   */
  async acquire(updates: readonly SaveRequest[], token: string): Promise<Set<string>> {
    const byClaim = new Map(updates.map((r) => [VersionClaims.claimId(r.id, r.expectedVersion + 1), r]));
    const refused = await this.insert([...byClaim.keys()], token);
    const won = new Set(updates.map((r) => r.id));
    if (refused.length === 0) return won;

    const held = new Map((await this.claims.find({ _id: { $in: refused } }).toArray()).map((c) => [c._id, c]));
    const stale: string[] = [];
    for (const claimId of refused) {
      const claim = held.get(claimId);
      if (claim?.w === token) continue;
      if (claim && this.clock.now() - claim.at > this.staleMs) stale.push(claimId);
      else won.delete(byClaim.get(claimId)!.id);
    }
    if (stale.length === 0) return won;
    // Take over a stale claim only while the document is still at the version the claim was for.
    const versions = await this.versionOf(stale.map((c) => byClaim.get(c)!.id));
    const retake: string[] = [];
    for (const claimId of stale) {
      const r = byClaim.get(claimId)!;
      const { deletedCount } = versions.get(r.id) === r.expectedVersion
        ? await this.claims.deleteOne({ _id: claimId, w: held.get(claimId)!.w })
        : { deletedCount: 0 };
      if (deletedCount === 1) retake.push(claimId);
      else won.delete(r.id);
    }
    for (const claimId of await this.insert(retake, token)) won.delete(byClaim.get(claimId)!.id);
    return won;
  }

  /**
   * Removes the claims that are no longer needed: the previous version's for writes that landed,
   * and this writer's own for writes that did not.
   */
  async release(landed: readonly SaveRequest[], failed: readonly SaveRequest[], token: string): Promise<void> {
    const old = landed.filter((r) => r.expectedVersion > 0).map((r) => VersionClaims.claimId(r.id, r.expectedVersion));
    if (old.length > 0) await this.claims.deleteMany({ _id: { $in: old } });
    const mine = failed.map((r) => VersionClaims.claimId(r.id, r.expectedVersion + 1));
    if (mine.length > 0) await this.claims.deleteMany({ _id: { $in: mine }, w: token });
  }

  /** Removes every claim of a deleted document. */
  async forget(id: string): Promise<void> {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await this.claims.deleteMany({ _id: { $regex: `^${escaped}@[0-9]+$` } });
  }

  // Inserts claims without stopping at the first duplicate; returns the ids that were taken.
  private async insert(ids: string[], token: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const at = this.clock.now();
    try {
      await this.claims.insertMany(ids.map((_id) => ({ _id, w: token, at })), { ordered: false });
      return [];
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const other = errors.find((e) => e.code !== DUPLICATE_KEY);
      if (other) throw new StoreError('STORE_ERR_BACKEND', `${this.claims.collectionName}: ${other.errmsg ?? other.code}`, { cause: err });
      return errors.map((e) => ids[e.index]!);
    }
  }
}
