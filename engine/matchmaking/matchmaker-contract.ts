/**
 * The RPC contract of the matchmaker: a services server serves {@link MATCHMAKER_SERVICE}, and
 * lobbies call it for their players (`game.matchmaker`). Tickets name accounts by uid; a party
 * queues as one ticket, owned by the player who queued it.
 */

/** The RPC service a matchmaker serves. */
export const MATCHMAKER_SERVICE = 'matchmaker';

/** Methods of {@link MATCHMAKER_SERVICE}. */
export const MATCHMAKER_METHODS = ['enqueue', 'cancel', 'status'] as const;

/** What a player asks to queue for. */
export interface TicketRequest {
  /** The ticket's owner. */
  uid: string;
  /** A mode of `matchmaker.modes`, e.g. `2v2`. */
  mode: string;
  /**
   * The accounts playing together on one team, the owner included (default: the owner alone). At
   * most the mode's `teamSize`.
   */
  party?: string[];
  /** The party's rating (a finite number; e.g. the average of its members'). */
  rating: number;
}

/** Where an account's ticket is. */
export type TicketState =
  /** In the queue. */
  | 'waiting'
  /** Taken into a match that is being launched. */
  | 'launching';

/** What `status(uid)` answers for an account that has a ticket (its own, or a party's it is in). */
export interface TicketStatus {
  /** The ticket's owner. */
  owner: string;
  mode: string;
  party: string[];
  rating: number;
  /** When it was queued (ms since the epoch, the matchmaker's clock). */
  since: number;
  state: TicketState;
}

/** The matchmaker's RPC surface. */
export interface MatchmakerApi {
  /**
   * Queues a ticket.
   * @throws MatchError MATCH_ERR_BAD_TICKET, MATCH_ERR_UNKNOWN_MODE, MATCH_ERR_PARTY_TOO_LARGE,
   *   MATCH_ERR_ALREADY_QUEUED, MATCH_ERR_QUEUE_FULL, MATCH_ERR_UNAVAILABLE.
   */
  enqueue(request: TicketRequest): Promise<TicketStatus>;
  /**
   * Withdraws the ticket `uid` owns or is in (the whole party's).
   * @returns false when there is none, or when it is in a match being launched.
   */
  cancel(uid: string): Promise<boolean>;
  /** The ticket `uid` owns or is in, if any. */
  status(uid: string): Promise<TicketStatus | null>;
}

/** A space the matchmaker asks a lobby's `spaces` service to create for a match. */
export interface MatchSpaceData {
  /** The mode the match was formed for. */
  mode: string;
  /** The uids of each team, in team order. */
  teams: string[][];
}

/**
 * The discovery `meta` key a server running a matchmaker publishes (value {@link MATCHMAKER_META_ON}):
 * lobbies call only servers that carry it.
 */
export const MATCHMAKER_META_KEY = 'matchmaker';
/** The value of {@link MATCHMAKER_META_KEY}. */
export const MATCHMAKER_META_ON = 'on';
