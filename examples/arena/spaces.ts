/**
 * The arena's spaces. Every player starts in a **field** of its lobby (`startSpace`), an open world
 * where the monsters of `MONSTER.homes` live and each player sees what is within `FIELD.viewRadius`
 * of its hero; a field takes `FIELD.maxPlayers`, and the engine opens another when all are full. The matchmaker makes **matches**: a space per 2v2 match, on the least loaded
 * lobby, whose players it moves in (from any lobby) team by team, each team entering at its own
 * side, with three monsters between them, which do not respawn, and a referee that keeps the
 * score and the time and ends the match (match-referee.ts).
 */
import { defineSpace, type GameSystem, type MatchSpaceData, type Space } from 'tessera';
import { aiSystem } from './ai-system.js';
import { Position } from './body.js';
import { cooldownSystem } from './cooldown-system.js';
import type { Hero } from './hero.js';
import { Referee, Scoreboard } from './match-referee.js';
import { Monster } from './monster.js';
import { movementSystem } from './movement-system.js';
import { FIELD, HERO, MATCH, MONSTER, fieldId, matchSpawn, monsterId, refereeId, teamOf } from './rules.js';

/** What runs in every space where heroes and monsters meet. Minds first, then bodies: what the AI decides this tick moves this tick. */
const SYSTEMS: readonly GameSystem[] = [{ name: 'ai', run: aiSystem, hz: 10 }, movementSystem, cooldownSystem];

const interest = { position: Position, cellSize: FIELD.cellSize, viewRadius: FIELD.viewRadius };

/** What `arena.match` pushes to a player who entered a match. */
export interface MatchEntered {
  spaceId: string;
  /** The player's team: 0 (west) or 1 (east). */
  team: number;
  /** The uids of each team. */
  teams: string[][];
}

/** The space types of the arena, for `defineGame`. */
export const spaces = {
  field: defineSpace({
    systems: SYSTEMS,
    maxPlayers: FIELD.maxPlayers,
    // Every field stays while its lobby runs, players or not: a crowd that came once may come again.
    emptyGraceMs: 0,
    interest,
    onCreate(space: Space) {
      const first = space.id === fieldId(space.lobbyId);
      MONSTER.homes.forEach((home, i) => space.spawn(Monster, { id: monsterId(i, first ? undefined : space.id) }).settleAt(home.x, home.y));
    },
    onPlayerEnter(_space: Space, player) {
      (player as Hero).enterAt(HERO.spawn);
    },
  }),
  match: defineSpace({
    systems: SYSTEMS,
    maxPlayers: 4,
    emptyGraceMs: MATCH.emptyGraceMs,
    interest,
    onCreate(space: Space) {
      const ids = MATCH.homes.map((home, i) => {
        const id = monsterId(i, space.id);
        // Slain monsters stay down, so that a match can be cleared.
        space.spawn(Monster, { id }).settleAt(home.x, home.y, { respawns: false });
        return id;
      });
      space.spawn(Referee, { id: refereeId(space.id) }).get(Scoreboard).open((space.data as MatchSpaceData).teams, ids);
    },
    onPlayerEnter(space: Space, player) {
      const { teams } = space.data as MatchSpaceData;
      const uid = player.session?.uid;
      const team = Math.max(0, teamOf(teams, uid));
      const slot = Math.max(0, uid === undefined ? 0 : (teams[team]?.indexOf(uid) ?? 0));
      (player as Hero).enterAt(matchSpawn(team, slot));
      const entered: MatchEntered = { spaceId: space.id, team, teams };
      player.session?.push('arena.match', entered);
    },
    // The lobby drains: the match ends now, so that each player hears its result before it moves.
    onDrain(space: Space) {
      return space.world.find(refereeId(space.id))?.get(Scoreboard).endNow();
    },
  }),
};
