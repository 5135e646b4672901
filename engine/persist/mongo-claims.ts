/**
 * Version claims: the compare-and-set that makes optimistic version checks safe on servers whose
 * conditional update is not atomic (FerretDB v1 reads and then writes). Before moving a document
 * from version v to v+1 (or deleting it at v), a writer inserts the claim `<id>@<v+1>` into
 * `<collection>__claims`; the unique `_id` lets exactly one writer hold it, on every
 * MongoDB-compatible server. The holder still writes with the filter `{ _id, _v: v }`, so a
 * holder whose claim was taken over (below) cannot overwrite a newer version. After the write the
 * claim of the version before it is removed, so one claim per document remains.
 *
 * A claim left by a crashed writer is taken over once it is older than `staleMs` and the document
 * has not moved; `at` comes from each writer's clock, so hosts' clocks must agree to well within
 * `staleMs`.
 */
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { Clock } from '../timer/clock.js';
import { duplicateIdIndexes } from './mongo-errors.js';

interface Claim {
  _id: string;
  w: string;
  at: number;
}

/** A write that needs a claim: the document and the version it is based on (> 0). */
export interface ClaimRequest {
  id: string;
  expectedVersion: number;
}

/** The claims of one collection. */
export class VersionClaims {
  /**
   * @param claims the `<collection>__claims` collection.
   * @param versionsOf reads the current versions of documents (absent: not in the map).
   * @param staleMs age after which an unfinished claim may be taken over.
   */
  constructor(
    private readonly claims: Collection<Claim>,
    private readonly versionsOf: (ids: string[]) => Promise<Map<string, number>>,
    private readonly clock: Clock,
    private readonly staleMs: number,
  ) {}

  /** The claim id for the write that makes document `id` version `version`. */
  static claimId(id: string, version: number): string {
    return `${id}@${version}`;
  }

  /**
   * Claims the next version of every request. Safe to call again with the same token after a
   * transient failure: a claim already holding `token` counts as won.
   * @returns the ids whose claim `token` now holds.
   */
  async acquire(requests: readonly ClaimRequest[], token: string): Promise<Set<string>> {
    const byClaim = new Map(requests.map((r) => [VersionClaims.claimId(r.id, r.expectedVersion + 1), r]));
    const refused = await this.insert([...byClaim.keys()], token);
    const won = new Set(requests.map((r) => r.id));
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
    // Take over a stale claim only while its document is still at the version the claim was for.
    const versions = await this.versionsOf(stale.map((c) => byClaim.get(c)!.id));
    const retake: string[] = [];
    for (const claimId of stale) {
      const r = byClaim.get(claimId)!;
      const unmoved = (versions.get(r.id) ?? 0) === r.expectedVersion;
      const { deletedCount } = unmoved ? await this.claims.deleteOne({ _id: claimId, w: held.get(claimId)!.w }) : { deletedCount: 0 };
      if (deletedCount === 1) retake.push(claimId);
      else won.delete(r.id);
    }
    for (const claimId of await this.insert(retake, token)) won.delete(byClaim.get(claimId)!.id);
    return won;
  }

  /**
   * Removes claims that are no longer needed: the previous version's for writes that landed, and
   * this writer's own for writes that did not.
   */
  async release(landed: readonly ClaimRequest[], failed: readonly ClaimRequest[], token: string): Promise<void> {
    // One delete per claim, each by `_id`: FerretDB v1 on SQLite scans the collection for `$in`.
    const deletes: AnyBulkWriteOperation<Claim>[] = [
      ...landed.map((r) => ({ deleteOne: { filter: { _id: VersionClaims.claimId(r.id, r.expectedVersion) } } })),
      ...failed.map((r) => ({ deleteOne: { filter: { _id: VersionClaims.claimId(r.id, r.expectedVersion + 1), w: token } } })),
    ];
    if (deletes.length > 0) await this.claims.bulkWrite(deletes, { ordered: false });
  }

  /** Removes every claim written under `token` (after a failure, when which ones landed is unknown). */
  async releaseToken(token: string): Promise<void> {
    await this.claims.deleteMany({ w: token });
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
      await this.claims.insertMany(
        ids.map((_id) => ({ _id, w: token, at })),
        { ordered: false },
      );
      return [];
    } catch (err) {
      return duplicateIdIndexes(err, this.claims.collectionName).map((i) => ids[i]!);
    }
  }
}
