/**
 * Version claims: the compare-and-set that makes optimistic version checks safe on servers whose
 * conditional update is not atomic (FerretDB v1 reads and then writes). Before moving a document
 * from version v to v+1, a writer inserts the claim `<id>@<v+1>` into `<collection>__claims`; the
 * unique `_id` lets exactly one writer hold it, on every MongoDB-compatible server. The holder
 * then checks the document's version and writes with a filter on `_id` alone, which FerretDB
 * looks up by key instead of scanning the collection. After the write the claim for the version
 * before it is removed, so one claim per document remains. A claim abandoned by a crashed writer
 * is taken over once it is older than `staleMs` and the document has not moved.
 *
 * Left open: a document deleted and created again between the version check and the write is
 * overwritten by the claim holder; deletes take no claim.
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
   * Claims the next version of every request, then checks that each claimed document is still at
   * the version the request expects (a claim alone does not prove it: the claim of an old version
   * is removed once a newer one lands). Safe to call again with the same token after a transient
   * failure: a claim already holding `token` counts as won.
   * @returns the ids this writer may now write with a filter on `_id` alone.
   */
  async acquire(updates: readonly SaveRequest[], token: string): Promise<Set<string>> {
    if (updates.length === 0) return new Set();
    const byClaim = new Map(updates.map((r) => [VersionClaims.claimId(r.id, r.expectedVersion + 1), r]));
    const refused = new Set(await this.insert([...byClaim.keys()], token));
    const held = refused.size === 0 ? new Map<string, Claim>() : await this.held([...refused]);
    const candidates: string[] = [];
    const stale: string[] = [];
    for (const claimId of byClaim.keys()) {
      const claim = held.get(claimId);
      if (!refused.has(claimId) || claim?.w === token) candidates.push(claimId);
      else if (claim && this.clock.now() - claim.at > this.staleMs) stale.push(claimId);
    }
    const versions = await this.versionOf(updates.map((r) => r.id));
    const atExpected = (claimId: string): boolean => {
      const r = byClaim.get(claimId)!;
      return (versions.get(r.id) ?? 0) === r.expectedVersion;
    };
    // Take over a stale claim only while its document has not moved past it.
    const retake: string[] = [];
    for (const claimId of stale.filter(atExpected)) {
      const { deletedCount } = await this.claims.deleteOne({ _id: claimId, w: held.get(claimId)!.w });
      if (deletedCount === 1) retake.push(claimId);
    }
    const lost = new Set(await this.insert(retake, token));
    candidates.push(...retake.filter((c) => !lost.has(c)));

    const won = new Set<string>();
    const misplaced: string[] = [];
    for (const claimId of candidates) {
      if (atExpected(claimId)) won.add(byClaim.get(claimId)!.id);
      else misplaced.push(claimId);
    }
    if (misplaced.length > 0) await this.claims.deleteMany({ _id: { $in: misplaced }, w: token });
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

  private async held(claimIds: string[]): Promise<Map<string, Claim>> {
    const rows = await this.claims.find({ _id: { $in: claimIds } }).toArray();
    return new Map(rows.map((c) => [c._id, c]));
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
