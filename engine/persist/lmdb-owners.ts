/**
 * Ownership claims on LMDB: one entry per document in `<collection>__owners`, holding the
 * owner, the epoch and the expiry. Taking a claim, and moving the document to a new version under
 * the new epoch, happen in one write transaction under LMDB's lock, so the check and the change
 * are one step on every process sharing the folder. A released claim keeps its entry (expiry 0),
 * so that epochs never repeat.
 */
import type { Database, RootDatabase } from 'lmdb';
import type { Clock } from '../timer/clock.js';
import { OwnershipHeldError } from './errors.js';
import type { DocumentData, OwnerClaim, OwnerRef, SaveOutcome, SaveRequest } from './store.js';

/** A document's data without the epoch the store keeps in it. */
export function withoutEpoch(value: DocumentData): DocumentData {
  if (!Object.hasOwn(value, '_e')) return value;
  const { _e, ...data } = value;
  return data;
}

/** The claims of every collection of one environment. */
export class LmdbOwners {
  private readonly dbs = new Map<string, Database<OwnerClaim, string>>();

  /**
   * @param documents opens a collection's document database (already checked).
   */
  constructor(
    private readonly root: RootDatabase,
    private readonly clock: Clock,
    private readonly documents: (collection: string) => Database<DocumentData, string>,
  ) {}

  /** See Store.claimOwner. */
  claim(collection: string, id: string, owner: string, ttlMs: number): Promise<OwnerClaim> {
    const owners = this.db(collection);
    const docs = this.documents(collection);
    const now = this.clock.now();
    return this.root.transaction(() => {
      const held = owners.get(id);
      if (held && held.expiresAt > now) throw new OwnershipHeldError(collection, id, held.owner, held.expiresAt);
      const claim: OwnerClaim = { id, owner, epoch: (held?.epoch ?? 0) + 1, expiresAt: now + ttlMs };
      void owners.put(id, claim);
      // The fence: a new version under the new epoch, which no earlier owner has seen.
      const entry = docs.getEntry(id);
      if (entry) void docs.put(id, { ...entry.value, _e: claim.epoch }, entry.version! + 1);
      return claim;
    });
  }

  /**
   * Writes a batch of which some requests carry an epoch, in one transaction: each is checked
   * against the stored version and, when it has an epoch, against the document's epoch and its
   * claim's (a later one refuses it, whatever version it names: the claim's covers a document
   * that did not exist when it was taken over).
   */
  saveFenced(collection: string, docs: Database<DocumentData, string>, requests: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    const owners = this.db(collection);
    return this.root.transaction(() =>
      requests.map((r): SaveOutcome => {
        const entry = docs.getEntry(r.id);
        const version = entry?.version ?? 0;
        const stored = (entry?.value._e as number | undefined) ?? 0;
        const epoch = r.epoch === undefined ? stored : Math.max(stored, owners.get(r.id)?.epoch ?? 0);
        if (version !== r.expectedVersion || (r.epoch !== undefined && epoch > r.epoch)) {
          const refused = { id: r.id, ok: false as const, expectedVersion: r.expectedVersion, actualVersion: version };
          return r.epoch === undefined ? refused : { ...refused, actualEpoch: epoch };
        }
        void docs.put(r.id, r.epoch === undefined ? r.data : { ...r.data, _e: r.epoch }, version + 1);
        return { id: r.id, ok: true, version: version + 1 };
      }),
    );
  }

  /** See Store.renewOwners. */
  renew(collection: string, claims: readonly OwnerRef[], ttlMs: number): Promise<string[]> {
    const owners = this.db(collection);
    const now = this.clock.now();
    return this.root.transaction(() => {
      const lost: string[] = [];
      for (const { id, epoch } of claims) {
        const held = owners.get(id);
        if (!held || held.epoch !== epoch || held.expiresAt <= now) lost.push(id);
        else void owners.put(id, { ...held, expiresAt: now + ttlMs });
      }
      return lost;
    });
  }

  /** See Store.releaseOwner. */
  async release(collection: string, { id, epoch }: OwnerRef): Promise<void> {
    const owners = this.db(collection);
    await this.root.transaction(() => {
      const held = owners.get(id);
      if (held?.epoch === epoch) void owners.put(id, { ...held, expiresAt: 0 });
    });
  }

  private db(collection: string): Database<OwnerClaim, string> {
    let db = this.dbs.get(collection);
    if (!db) {
      db = this.root.openDB<OwnerClaim, string>({ name: `${collection}__owners` });
      this.dbs.set(collection, db);
    }
    return db;
  }
}
