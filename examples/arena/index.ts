/**
 * The arena: heroes walk where their players steer them, monsters wander and chase, players
 * attack monsters for experience that is saved, and one leaderboard ranks every player of the
 * cluster. Run it with `npm start -- --game examples/arena`, play it with
 * `npm run client -- --game examples/arena`; see README.md.
 */
import { defineGame } from 'tessera';
import { aiSystem } from './ai-system.js';
import { ArenaService } from './arena-service.js';
import { cooldownSystem } from './cooldown-system.js';
import { Hero } from './hero.js';
import { Leaderboard } from './leaderboard.js';
import { LeaderboardService } from './leaderboard-service.js';
import { Monster } from './monster.js';
import { movementSystem } from './movement-system.js';
import { startArena } from './start.js';

export default defineGame({
  name: 'arena',
  entities: { Hero, Monster, Leaderboard },
  player: Hero,
  // Minds first, then bodies: what the AI decides this tick moves this tick.
  systems: [{ name: 'ai', run: aiSystem, hz: 10 }, movementSystem, cooldownSystem],
  services: { arena: ArenaService, leaderboard: LeaderboardService },
  onStart: startArena,
});
