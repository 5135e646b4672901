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
} as const;

/** One of {@link ARENA_ERRORS}. */
export type ArenaErrorCode = keyof typeof ARENA_ERRORS;

/** The {@link GameError} for `code`, with its catalogue message. */
export function arenaError(code: ArenaErrorCode, options?: { cause?: unknown }): GameError {
  return new GameError(code, ARENA_ERRORS[code], options);
}
