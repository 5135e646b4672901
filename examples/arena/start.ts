/**
 * What a lobby does when the arena starts: it spawns its monsters, and the first lobby of the
 * cluster to start loads the leaderboard (or creates it, the very first time) and claims its
 * cluster-wide name, so that every lobby reaches it with `named(LEADERBOARD.name)`.
 */
import type { GameContext } from 'tessera';
import { Leaderboard } from './leaderboard.js';
import { Monster } from './monster.js';
import { LEADERBOARD, MONSTER, monsterId } from './rules.js';

/** The game's `onStart`. */
export async function startArena(game: GameContext): Promise<void> {
  MONSTER.homes.forEach((home, i) => game.spawn(Monster, { id: monsterId(i) }).settleAt(home.x, home.y));
  await startLeaderboard(game);
}

async function startLeaderboard(game: GameContext): Promise<void> {
  let board;
  try {
    board = (await game.load(Leaderboard, LEADERBOARD.id)) ?? game.spawn(Leaderboard, { id: LEADERBOARD.id });
  } catch (err) {
    // Another lobby holds it (it started first): this lobby's heroes reach it by name.
    if ((err as { code?: unknown }).code === 'STORE_ERR_OWNED') {
      game.logger.info('the leaderboard runs on another lobby');
      return;
    }
    throw err;
  }
  if (!(await game.claimName(LEADERBOARD.name, board))) {
    game.logger.warn('another leaderboard holds the name; this one is left unused', { entityId: board.id });
  }
}
