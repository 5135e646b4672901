/**
 * A queued ticket and the modes tickets queue for; {@link checkTicket} turns a request from
 * another server into a ticket, refusing with a coded error what a matchmaker must not store.
 */
import { MatchError } from '../../engine/matchmaking/errors.js';
import type { TicketRequest } from '../../engine/matchmaking/matchmaker-contract.js';

/** A ticket in the queue: one player, or one party playing together. */
export interface Ticket {
  /** The owner: the account that queued it. The ticket is known by this uid. */
  uid: string;
  mode: string;
  /** Every account of the ticket, the owner first; one team holds them all. */
  party: string[];
  rating: number;
  /** When it was queued (ms, the matchmaker's clock); its rating window widens from here. */
  since: number;
}

/** How far apart ratings may be in one match, by how long a ticket has waited. */
export interface RatingWindow {
  /** The window of a ticket just queued: ratings within this distance of its own fit it. */
  start: number;
  /** How much it widens per second of waiting. */
  growPerSecond: number;
  /** The widest it gets. */
  max: number;
}

/** A mode players queue for (`matchmaker.modes.<name>`). */
export interface MatchMode {
  /** Teams per match. */
  teams: number;
  /** Players per team; a party is at most this large. */
  teamSize: number;
  /** The space type a lobby creates for each match of this mode. */
  space: string;
  window: RatingWindow;
}

/** The longest uid or mode name a ticket may carry. */
export const MAX_NAME_LENGTH = 128;

/**
 * Checks a request and makes it a ticket queued at `now`; the owner is put first in its party
 * (and added when the request's party leaves it out).
 * @throws MatchError MATCH_ERR_BAD_TICKET (not an object, a uid or mode that is not a non-empty
 *   string of at most {@link MAX_NAME_LENGTH} characters, a rating that is not a finite number, a
 *   party with a repeated uid), MATCH_ERR_UNKNOWN_MODE, MATCH_ERR_PARTY_TOO_LARGE.
 */
export function checkTicket(request: unknown, modes: Readonly<Record<string, MatchMode>>, now: number): Ticket {
  if (typeof request !== 'object' || request === null) throw new MatchError('MATCH_ERR_BAD_TICKET', 'a ticket is an object { uid, mode, party?, rating }');
  const { uid, mode, party, rating } = request as Partial<Record<keyof TicketRequest, unknown>>;
  if (!isName(uid)) throw new MatchError('MATCH_ERR_BAD_TICKET', `uid must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  if (!isName(mode)) throw new MatchError('MATCH_ERR_BAD_TICKET', `mode must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  if (typeof rating !== 'number' || !Number.isFinite(rating)) throw new MatchError('MATCH_ERR_BAD_TICKET', 'rating must be a finite number');
  if (!Object.hasOwn(modes, mode)) throw new MatchError('MATCH_ERR_UNKNOWN_MODE', `mode ${JSON.stringify(mode)} is not configured`);
  const spec = modes[mode]!;
  if (party !== undefined && !Array.isArray(party)) throw new MatchError('MATCH_ERR_BAD_TICKET', 'party must be an array of uids');
  // Checked before reading the members, so a huge array costs nothing more.
  if (party !== undefined && party.length > spec.teamSize) throw new MatchError('MATCH_ERR_PARTY_TOO_LARGE', `a party of ${party.length} does not fit a team of ${spec.teamSize}`);
  const members = [uid];
  for (const member of (party ?? []) as unknown[]) {
    if (!isName(member)) throw new MatchError('MATCH_ERR_BAD_TICKET', `party members must be strings of 1 to ${MAX_NAME_LENGTH} characters`);
    if (member === uid) continue;
    if (members.includes(member)) throw new MatchError('MATCH_ERR_BAD_TICKET', `party names ${member} twice`);
    members.push(member);
  }
  if (members.length > spec.teamSize) throw new MatchError('MATCH_ERR_PARTY_TOO_LARGE', `a party of ${members.length} does not fit a team of ${spec.teamSize}`);
  return { uid, mode, party: members, rating, since: now };
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME_LENGTH;
}
