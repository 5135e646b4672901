/**
 * The matchmaker's error catalogue: what the `matchmaker` service refuses (it travels back to the
 * calling lobby as an RPC `RemoteError` whose `code` is the catalogue code), and what the lobby's
 * `game.matchmaker` throws itself. Codes are stable and never reused; each has a test and a line
 * in docs/matchmaking.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const MATCH_ERRORS = {
  MATCH_ERR_BAD_TICKET: { wire: 5301, message: 'ticket is malformed', when: 'a malformed ticket: a uid or mode that is not a string of 1 to 128 characters, a rating that is not a finite number, a party that is not a list of uids or names one twice; or the avatar queued has no session' },
  MATCH_ERR_UNKNOWN_MODE: { wire: 5302, message: 'no such mode', when: 'no such mode in `matchmaker.modes`' },
  MATCH_ERR_PARTY_TOO_LARGE: { wire: 5303, message: 'party is larger than a team', when: 'the party has more players than a team of the mode' },
  MATCH_ERR_ALREADY_QUEUED: { wire: 5304, message: 'a player of the party is queued already', when: 'a player of the party has a ticket already (its own or another party\'s)' },
  MATCH_ERR_QUEUE_FULL: { wire: 5305, message: "the mode's queue is full", when: 'the mode has `matchmaker.maxTicketsPerMode` tickets waiting' },
  MATCH_ERR_UNAVAILABLE: { wire: 5306, message: 'the ticket store is unavailable; retry later', when: 'the ticket store (Redis) failed; retry later' },
  MATCH_ERR_NO_MATCHMAKER: { wire: 5307, message: 'no matchmaker is registered in the cluster', when: '(lobby) no server of the cluster runs a matchmaker' },
} as const;

/** One of the codes in {@link MATCH_ERRORS}. */
export type MatchErrorCode = keyof typeof MATCH_ERRORS;

/** A ticket the matchmaker refused, or a matchmaker the lobby could not reach. */
export class MatchError extends CodedError<MatchErrorCode> {
  override readonly name = 'MatchError';
  /** The numeric code of the catalogue. */
  readonly wireCode: number = MATCH_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: MatchErrorCode, detail: string, options?: { cause?: unknown }) {
    super(MATCH_ERRORS, code, detail, options);
  }
}
