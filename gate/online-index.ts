/**
 * The online index: which gate holds each logged-in account, so that one login per uid holds
 * across every gate. {@link MemoryOnlineIndex} serves standalone mode; `RedisOnlineIndex` serves a
 * cluster.
 */

/** Where an account is logged in. */
export interface OnlineEntry {
  gateId: string;
  sessionId: string;
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
}

/** An online index in this process's memory. */
export class MemoryOnlineIndex implements OnlineIndex {
  private readonly entries = new Map<string, OnlineEntry>();

  async claim(uid: string, entry: OnlineEntry): Promise<OnlineEntry | undefined> {
    const previous = this.entries.get(uid);
    this.entries.set(uid, { ...entry });
    return previous;
  }

  async release(uid: string, sessionId: string): Promise<void> {
    if (this.entries.get(uid)?.sessionId === sessionId) this.entries.delete(uid);
  }

  async lookup(uid: string): Promise<OnlineEntry | undefined> {
    return this.entries.get(uid);
  }
}
