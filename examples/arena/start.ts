/**
 * What a lobby does when the arena starts: its first field opens at once, so that its monsters
 * roam before anyone comes. The leaderboard is a global of the game (index.ts): the engine runs
 * it on one lobby of the cluster. Monsters are spawned by the spaces (spaces.ts).
 */
import type { GameContext } from 'tessera';
import { FIELD, fieldId } from './rules.js';

/** The game's `onStart`. */
export async function startArena(game: GameContext): Promise<void> {
  await game.spaces.create(FIELD.type, { id: fieldId(game.serverId), here: true });
}
