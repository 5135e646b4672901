/**
 * The spaces' error catalogue: what creating, finding and entering a space answers when it cannot
 * be done. Game code gets these from `game.spaces` (and other servers through RPC, with the
 * string code); a game that wants its player to see one turns it into a GameError. Codes are
 * stable and never reused; each has a test and a line in docs/lobby.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const SPACE_ERRORS = {
  SPACE_ERR_UNKNOWN_TYPE: { wire: 6101, message: 'the game declares no space type of that name', when: '`create` with a type the game does not declare' },
  SPACE_ERR_NOT_FOUND: { wire: 6102, message: 'no such space on this lobby', when: '`enter` a space that is on no live lobby; a `bind` whose space is not on this lobby' },
  SPACE_ERR_FULL: { wire: 6103, message: 'the space has as many players as it takes', when: '`enter` (or a `bind` into) a space that has `maxPlayers` players or places held for players on their way in' },
  SPACE_ERR_ID_TAKEN: { wire: 6104, message: 'a space with that id exists already', when: '`create` with the id of a live space, one being created here, or one another lobby holds' },
  SPACE_ERR_BAD_ID: { wire: 6105, message: 'space id is not 1 to 128 printable characters', when: '`create` with an id that is not 1 to 128 characters without control characters' },
  SPACE_ERR_NOT_A_PLAYER: { wire: 6106, message: 'only a bound player avatar enters a space', when: '`enter` with a uid not bound here, or with something that is not a live `PlayerEntity`' },
  SPACE_ERR_BAD_ARGS: { wire: 6107, message: 'arguments of a call to the spaces service are malformed', when: 'a call to a lobby\'s `spaces` RPC service with malformed arguments' },
  SPACE_ERR_TOO_MANY: { wire: 6108, message: 'this lobby hosts as many spaces as lobby.maxSpaces allows', when: '`create` on a lobby that hosts `lobby.maxSpaces` spaces; in a cluster, once every lobby refused' },
} as const;

/** One of the codes in {@link SPACE_ERRORS}. */
export type SpaceErrorCode = keyof typeof SPACE_ERRORS;

/** A space could not be created, found or entered. */
export class SpaceError extends CodedError<SpaceErrorCode> {
  override readonly name = 'SpaceError';
  /** The catalogue's number for the code. */
  readonly wireCode: number = SPACE_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   */
  constructor(code: SpaceErrorCode, detail: string) {
    super(SPACE_ERRORS, code, detail);
  }
}
