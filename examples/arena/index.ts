/**
 * The arena: heroes walk where their players steer them, monsters wander and chase, players
 * attack monsters for experience that is saved, and one leaderboard ranks every player of the
 * cluster. Players start in their lobby's open field and queue for 2v2 matches, each in a space
 * of its own (spaces.ts). Run it with `npm start -- --game examples/arena`, play it at
 * http://127.0.0.1:8080/play or with `npm run client -- --game examples/arena`; see README.md.
 */
import { defineGame } from 'tessera';
import { ArenaService } from './arena-service.js';
import { Hero } from './hero.js';
import { Leaderboard } from './leaderboard.js';
import { LeaderboardService } from './leaderboard-service.js';
import { Referee } from './match-referee.js';
import { LEADERBOARD } from './rules.js';
import { Monster } from './monster.js';
import { spaces } from './spaces.js';
import { startArena } from './start.js';

export default defineGame({
  name: 'arena',
  entities: { Hero, Monster, Leaderboard, Referee },
  player: Hero,
  // Heroes and monsters live in spaces, whose systems move them; the lobby's own world holds the leaderboard.
  spaces,
  startSpace: 'field',
  services: { arena: ArenaService, leaderboard: LeaderboardService },
  // One leaderboard in the whole cluster: a lobby runs it, another takes it over if that one goes.
  globals: { [LEADERBOARD.global]: { type: 'Leaderboard', id: LEADERBOARD.id } },
  onStart: startArena,
});
