/**
 * Where entities that moved between servers were last found, as a caller learned it from the
 * RPC_ERR_ENTITY_MOVED redirects its calls followed: later calls to the old mailbox go straight
 * to the new server. Bounded: past the cap the entry learned longest ago is forgotten (the old
 * mailbox then redirects again).
 */
import type { Mailbox } from '../cluster/discovery.js';

/** A bounded map from an entity's old mailbox to the server it was last found on. */
export class MovedEntities {
  private readonly where = new Map<string, string>();

  /**
   * @param cap most mailboxes remembered (at least 1).
   * @throws RangeError for a cap that is not an integer >= 1.
   */
  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`MovedEntities: cap must be an integer >= 1, got ${cap}`);
  }

  /** Mailboxes remembered. */
  get size(): number {
    return this.where.size;
  }

  /** The server to send calls for `mailbox` to: where it was last found, else its own server. */
  serverFor(mailbox: Mailbox): string {
    return this.where.get(key(mailbox)) ?? mailbox.serverId;
  }

  /** Remembers that the entity of `mailbox` answered on `serverId` (forgotten when that is its own server). */
  learn(mailbox: Mailbox, serverId: string): void {
    const k = key(mailbox);
    this.where.delete(k);
    if (serverId === mailbox.serverId) return;
    this.where.set(k, serverId);
    if (this.where.size > this.cap) this.where.delete(this.where.keys().next().value!);
  }

  /** Forgets where the entity of `mailbox` went (a call there failed): calls go to its mailbox again. */
  forget(mailbox: Mailbox): void {
    this.where.delete(key(mailbox));
  }
}

function key(mailbox: Mailbox): string {
  return `${mailbox.serverId}\u0000${mailbox.entityId}`;
}
