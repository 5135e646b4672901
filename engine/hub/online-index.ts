/**
 * The online index: which gate holds each logged-in account, so that one login per uid holds
 * across every gate. {@link MemoryOnlineIndex} serves standalone mode; `RedisOnlineIndex` serves a
 * cluster, where entries expire unless their gate refreshes them (online-upkeep.ts), and the
 * entries of a gate that left the cluster are removed by a surviving gate.
 */

/** Where an account is logged in. */
export interface OnlineEntry {
  gateId: string;
  sessionId: string;
}

/** One account's entry, with the account. */
export interface OnlineRecord extends OnlineEntry {
  uid: string;
}

/** The cluster-wide map uid → session. */
export interface OnlineIndex {
  /**
   * Records `entry` as the account's session.
   * @returns the session it replaces, if any (the caller kicks it).
   */
  claim(uid: string, entry: OnlineEntry): Promise<OnlineEntry | undefined>;
  /** Forgets the account's session, but only while it is still `sessionId` (a newer login stays). */
  release(uid: string, sessionId: string): Promise<void>;
  /** The account's session, if logged in. */
  lookup(uid: string): Promise<OnlineEntry | undefined>;
  /**
   * The sessions of many accounts in one round trip: `result[i]` is `uids[i]`'s entry, undefined
   * when that account is not logged in. The caller bounds `uids` (cluster-push.ts caps it).
   */
  lookupMany(uids: readonly string[]): Promise<(OnlineEntry | undefined)[]>;
  /**
   * Keeps a gate's entries alive (where entries expire): each record still in the index has its
   * lifetime renewed, and one that is missing (expired, or removed while its gate was taken for
   * gone) is written again.
   * @returns the records whose account another session holds now: their sessions must end.
   */
  refresh(records: readonly OnlineRecord[]): Promise<OnlineRecord[]>;
  /**
   * Removes every entry that still points at `gateId` (a gate that left the cluster), and no
   * other; running it again removes nothing more.
   * @returns how many entries were removed.
   */
  removeGate(gateId: string): Promise<number>;
}

/** An online index in this process's memory; its entries never expire, as they die with it. */
export class MemoryOnlineIndex implements OnlineIndex {
  private readonly entries = new Map<string, OnlineEntry>();

  async claim(uid: string, entry: OnlineEntry): Promise<OnlineEntry | undefined> {
    const previous = this.entries.get(uid);
    this.entries.set(uid, { gateId: entry.gateId, sessionId: entry.sessionId });
    return previous;
  }

  async release(uid: string, sessionId: string): Promise<void> {
    if (this.entries.get(uid)?.sessionId === sessionId) this.entries.delete(uid);
  }

  async lookup(uid: string): Promise<OnlineEntry | undefined> {
    return this.entries.get(uid);
  }

  async lookupMany(uids: readonly string[]): Promise<(OnlineEntry | undefined)[]> {
    return uids.map((uid) => this.entries.get(uid));
  }

  async refresh(records: readonly OnlineRecord[]): Promise<OnlineRecord[]> {
    const lost: OnlineRecord[] = [];
    for (const record of records) {
      const current = this.entries.get(record.uid);
      if (!current) this.entries.set(record.uid, { gateId: record.gateId, sessionId: record.sessionId });
      else if (current.gateId !== record.gateId || current.sessionId !== record.sessionId) lost.push(record);
    }
    return lost;
  }

  async removeGate(gateId: string): Promise<number> {
    let removed = 0;
    for (const [uid, entry] of this.entries) {
      if (entry.gateId !== gateId) continue;
      this.entries.delete(uid);
      removed++;
    }
    return removed;
  }
}
