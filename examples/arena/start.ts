/**
 * What a lobby does when the arena starts: the first lobby of the cluster to start loads the
 * leaderboard (or creates it, the very first time) and claims its cluster-wide name, so that every
 * lobby reaches it with `named(LEADERBOARD.name)`. Monsters are spawned by the spaces (spaces.ts).
 */
import { OwnershipHeldError, type GameContext } from 'tessera';
import { Leaderboard } from './leaderboard.js';
import { FIELD, LEADERBOARD, fieldId } from './rules.js';

/** The game's `onStart`: the lobby's first field opens at once, so that its monsters roam before anyone comes. */
export async function startArena(game: GameContext): Promise<void> {
  await game.spaces.create(FIELD.type, { id: fieldId(game.serverId), here: true });
  await startLeaderboard(game);
}

async function startLeaderboard(game: GameContext): Promise<void> {
  let stored;
  try {
    stored = await game.load(Leaderboard, LEADERBOARD.id);
  } catch (err) {
    // Another lobby holds it: this lobby's heroes reach it there, by name.
    if (!(err instanceof OwnershipHeldError)) throw err;
    game.logger.info('the leaderboard runs on another lobby');
    return;
  }
  const board = stored ?? game.spawn(Leaderboard, { id: LEADERBOARD.id });
  if (await game.claimName(LEADERBOARD.name, board)) return;
  // Another lobby created one at the same moment and named it first: this one steps aside, and
  // a new one is never saved.
  game.logger.warn('another lobby\'s leaderboard holds the name; this lobby uses it');
  if (stored) await board.unload();
  else board.destroy();
}
