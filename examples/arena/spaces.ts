/**
 * The arena's spaces. Every player starts in its lobby's **field** (`startSpace`), an open world
 * where the monsters of `MONSTER.homes` live and each player sees what is within `FIELD.viewRadius`
 * of its hero.
 */
import { defineSpace, type GameSystem, type Space } from 'tessera';
import { aiSystem } from './ai-system.js';
import { Position } from './body.js';
import { cooldownSystem } from './cooldown-system.js';
import type { Hero } from './hero.js';
import { Monster } from './monster.js';
import { movementSystem } from './movement-system.js';
import { FIELD, HERO, MONSTER, monsterId } from './rules.js';

/** What runs in every space where heroes and monsters meet. Minds first, then bodies: what the AI decides this tick moves this tick. */
const SYSTEMS: readonly GameSystem[] = [{ name: 'ai', run: aiSystem, hz: 10 }, movementSystem, cooldownSystem];

const interest = { position: Position, cellSize: FIELD.cellSize, viewRadius: FIELD.viewRadius };

/** The space types of the arena, for `defineGame`. */
export const spaces = {
  field: defineSpace({
    systems: SYSTEMS,
    // The field stays while its lobby runs, players or not.
    emptyGraceMs: 0,
    interest,
    onCreate(space: Space) {
      MONSTER.homes.forEach((home, i) => space.spawn(Monster, { id: monsterId(i) }).settleAt(home.x, home.y));
    },
    onPlayerEnter(_space: Space, player) {
      (player as Hero).enterAt(HERO.spawn);
    },
  }),
};
