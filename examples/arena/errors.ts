/**
 * The arena's error catalogue: the codes a player's client may get, each with the message it is
 * told. Codes are stable; a new refusal gets a new code.
 */
import { GameError } from 'tessera';

/** Every code the arena answers a client with, and the message the player is told. */
export const ARENA_ERRORS = {
  ARENA_ERR_BAD_INPUT: 'a direction is two finite numbers',
  ARENA_ERR_DEAD: 'you are down; wait for your respawn',
  ARENA_ERR_NO_TARGET: 'no living monster has that id',
  ARENA_ERR_OUT_OF_RANGE: 'the target is out of range',
  ARENA_ERR_COOLDOWN: 'your weapon is cooling down',
  ARENA_ERR_NO_LEADERBOARD: 'the leaderboard cannot be reached; try again later',
  ARENA_ERR_QUEUE_REFUSED: 'the matchmaker did not queue you',
  ARENA_ERR_IN_MATCH: 'you are in a match already',
  ARENA_ERR_NOT_IN_MATCH: 'you are in no match',
  ARENA_ERR_BAD_CHAT: 'a chat line is a string of 1 to 200 characters',
} as const;

/** One of {@link ARENA_ERRORS}. */
export type ArenaErrorCode = keyof typeof ARENA_ERRORS;

/** The {@link GameError} for `code`, with its catalogue message and, after a colon, `detail` when given. */
export function arenaError(code: ArenaErrorCode, options?: { cause?: unknown; detail?: string }): GameError {
  const message = options?.detail === undefined ? ARENA_ERRORS[code] : `${ARENA_ERRORS[code]}: ${options.detail}`;
  return new GameError(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
}
