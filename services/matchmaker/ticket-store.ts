/**
 * Where tickets wait: {@link MemoryTicketStore} in standalone mode, `RedisTicketStore` in a cluster,
 * where several matchmakers share one queue and tickets outlive a matchmaker's restart.
 *
 * A ticket is `waiting` until a matchmaker claims it for a match (`launching`): a claim takes all
 * of a match's tickets at once or none, so a player is never in two matches however many
 * matchmakers run. A launched match's tickets are then deleted (`complete`); a failed launch puts
 * them back in the queue (`release`), up to a number of attempts. A claim carries a deadline: one
 * whose matchmaker died before it completed or released is released by a later sweep (`expired`).
 */
import type { TicketState } from '../../engine/matchmaking/matchmaker-contract.js';
import type { Ticket } from './ticket.js';

/** A stored ticket, where it is, and how many launches of it failed. */
export interface TicketEntry {
  ticket: Ticket;
  state: TicketState;
  attempts: number;
}

/** What {@link TicketStore.add} did. */
export type AddResult =
  /** The ticket is queued. */
  | 'added'
  /** A member of its party has a ticket already (its own or another's); nothing was stored. */
  | 'queued'
  /** The mode's queue holds its maximum; nothing was stored. */
  | 'full';

/** What {@link TicketStore.cancel} did. */
export type CancelResult = { cancelled: Ticket } | 'launching' | 'none';

/** The shared queue of tickets. */
export interface TicketStore {
  /**
   * Queues `ticket` unless one of its party's uids has a ticket already or the mode's queue holds
   * `maxWaiting` tickets.
   */
  add(ticket: Ticket, maxWaiting: number): Promise<AddResult>;
  /** The ticket `uid` owns or is in. */
  get(uid: string): Promise<TicketEntry | undefined>;
  /** Deletes the waiting ticket `uid` owns or is in; one being launched stays. */
  cancel(uid: string): Promise<CancelResult>;
  /** Up to `limit` waiting tickets of `mode`, lowest rating first. */
  waiting(mode: string, limit: number): Promise<Ticket[]>;
  /**
   * Claims the waiting tickets of `owners` for match `matchId` until `deadline` (ms): all of them,
   * or none when one is gone or claimed already.
   * @returns whether it claimed them.
   */
  claim(matchId: string, owners: readonly string[], deadline: number): Promise<boolean>;
  /**
   * Deletes the tickets of a launched match.
   * @returns false when the claim was released meanwhile (nothing deleted).
   */
  complete(matchId: string): Promise<boolean>;
  /**
   * Puts the tickets of a match that failed to launch back in the queue (as old as they were),
   * counting the attempt; those that failed `maxAttempts` times are deleted instead.
   * @returns the deleted tickets; none for a claim that is not held.
   */
  release(matchId: string, maxAttempts: number): Promise<Ticket[]>;
  /** Up to `limit` matches whose claim's deadline is at or before `now`. */
  expired(now: number, limit: number): Promise<string[]>;
}

interface MemoryRecord {
  ticket: Ticket;
  attempts: number;
  match: string | undefined;
}

/** A ticket store in this process's memory, for standalone mode: its tickets die with it. */
export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, MemoryRecord>();
  /** uid → owner of its ticket. */
  private readonly members = new Map<string, string>();
  /** mode → owners of its waiting tickets. */
  private readonly queues = new Map<string, Set<string>>();
  /** matchId → its owners and deadline. */
  private readonly claims = new Map<string, { owners: string[]; deadline: number }>();

  async add(ticket: Ticket, maxWaiting: number): Promise<AddResult> {
    if (ticket.party.some((uid) => this.members.has(uid))) return 'queued';
    const queue = this.queues.get(ticket.mode) ?? new Set<string>();
    if (queue.size >= maxWaiting) return 'full';
    this.tickets.set(ticket.uid, { ticket: copy(ticket), attempts: 0, match: undefined });
    for (const uid of ticket.party) this.members.set(uid, ticket.uid);
    queue.add(ticket.uid);
    this.queues.set(ticket.mode, queue);
    return 'added';
  }

  async get(uid: string): Promise<TicketEntry | undefined> {
    const record = this.recordOf(uid);
    return record && { ticket: copy(record.ticket), state: record.match === undefined ? 'waiting' : 'launching', attempts: record.attempts };
  }

  async cancel(uid: string): Promise<CancelResult> {
    const record = this.recordOf(uid);
    if (!record) return 'none';
    if (record.match !== undefined) return 'launching';
    this.unqueue(record.ticket);
    this.delete(record.ticket);
    return { cancelled: copy(record.ticket) };
  }

  async waiting(mode: string, limit: number): Promise<Ticket[]> {
    const owners = [...(this.queues.get(mode) ?? [])];
    const tickets = owners.map((owner) => this.tickets.get(owner)!.ticket);
    tickets.sort((a, b) => a.rating - b.rating || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    return tickets.slice(0, limit).map(copy);
  }

  async claim(matchId: string, owners: readonly string[], deadline: number): Promise<boolean> {
    if (this.claims.has(matchId)) return false;
    if (!owners.every((owner) => this.tickets.get(owner)?.match === undefined && this.tickets.has(owner))) return false;
    for (const owner of owners) {
      const record = this.tickets.get(owner)!;
      record.match = matchId;
      this.unqueue(record.ticket);
    }
    this.claims.set(matchId, { owners: [...owners], deadline });
    return true;
  }

  async complete(matchId: string): Promise<boolean> {
    const claim = this.claims.get(matchId);
    if (!claim) return false;
    this.claims.delete(matchId);
    for (const owner of claim.owners) {
      const record = this.tickets.get(owner);
      if (record?.match === matchId) this.delete(record.ticket);
    }
    return true;
  }

  async release(matchId: string, maxAttempts: number): Promise<Ticket[]> {
    const claim = this.claims.get(matchId);
    if (!claim) return [];
    this.claims.delete(matchId);
    const dropped: Ticket[] = [];
    for (const owner of claim.owners) {
      const record = this.tickets.get(owner);
      if (record?.match !== matchId) continue;
      record.attempts++;
      record.match = undefined;
      if (record.attempts >= maxAttempts) {
        this.delete(record.ticket);
        dropped.push(copy(record.ticket));
        continue;
      }
      const queue = this.queues.get(record.ticket.mode) ?? new Set<string>();
      queue.add(owner);
      this.queues.set(record.ticket.mode, queue);
    }
    return dropped;
  }

  async expired(now: number, limit: number): Promise<string[]> {
    return [...this.claims].filter(([, claim]) => claim.deadline <= now).sort((a, b) => a[1].deadline - b[1].deadline).slice(0, limit).map(([id]) => id);
  }

  private recordOf(uid: string): MemoryRecord | undefined {
    const owner = this.members.get(uid);
    return owner === undefined ? undefined : this.tickets.get(owner);
  }

  private unqueue(ticket: Ticket): void {
    const queue = this.queues.get(ticket.mode);
    queue?.delete(ticket.uid);
    if (queue?.size === 0) this.queues.delete(ticket.mode);
  }

  private delete(ticket: Ticket): void {
    this.tickets.delete(ticket.uid);
    for (const uid of ticket.party) this.members.delete(uid);
  }
}

function copy(ticket: Ticket): Ticket {
  return { uid: ticket.uid, mode: ticket.mode, party: [...ticket.party], rating: ticket.rating, since: ticket.since };
}
