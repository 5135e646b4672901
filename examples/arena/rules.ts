/**
 * The arena's tuning, in one place: sizes in world units, speeds in units per second, times in
 * seconds for what systems count down and in milliseconds for what timers wait.
 */

/** The arena is a square from (0, 0) to (size, size); nothing leaves it. */
export const ARENA_SIZE = 100;

/** Heroes: the players' avatars. */
export const HERO = {
  spawn: { x: 50, y: 50 },
  speed: 6,
  maxHp: 100,
  damage: 25,
  /** How close a monster must be to be hit. */
  attackRange: 3,
  /** Seconds between two attacks. */
  attackCooldown: 1,
  /** How long a downed hero waits before it comes back at the spawn point. */
  respawnMs: 5_000,
} as const;

/** Monsters: NPCs spawned when the lobby starts, moved by the AI system. */
export const MONSTER = {
  /** Where they live: each wanders around its home, and respawns there. */
  homes: [
    { x: 20, y: 20 },
    { x: 80, y: 20 },
    { x: 20, y: 80 },
    { x: 80, y: 80 },
    { x: 50, y: 15 },
    { x: 50, y: 85 },
  ],
  speed: 4,
  /** Wandering is slower than chasing: a fraction of `speed`. */
  wanderPace: 0.5,
  /** Seconds between two turns while wandering. */
  wanderTurn: 2,
  /** How far a wandering monster strays from home before it walks back. */
  leash: 12,
  /** A hero closer than this is chased. */
  aggroRange: 10,
  /** A hero closer than this is hit. */
  attackRange: 1.5,
  damage: 10,
  /** Seconds between two hits. */
  attackCooldown: 1.5,
  maxHp: 50,
  /** Experience a hero gains for the kill. */
  xp: 10,
  respawnMs: 10_000,
} as const;

/**
 * The open field, where every player starts and the monsters of `MONSTER.homes` live. A player
 * sees what is within `viewRadius` of its hero (interest grid cells of `cellSize`). A field takes
 * `maxPlayers`: a lobby with more players runs more fields (`field@<lobby>`, then
 * `field@<lobby>:2` …, the engine's instances of the start space).
 */
export const FIELD = {
  type: 'field',
  cellSize: 16,
  viewRadius: 24,
  /**
   * What a hero sees and the server syncs grows with the square of the heroes in one field: 100
   * on 100 × 100 units means about 18 heroes in view of each (a view covers about 18 % of the
   * field), a crowd that still plays, and about 1,800 pairs a tick for the server to sync.
   */
  maxPlayers: 100,
} as const;

/** The id of a lobby's first field (the one its `onStart` opens). */
export function fieldId(lobbyId: string): string {
  return `${FIELD.type}@${lobbyId}`;
}

/**
 * 2v2 matches: formed by the matchmaker (mode `2v2`), each in a space of its own. A team scores a
 * kill for each match monster its players slay (match monsters do not respawn); the match ends
 * when `durationMs` is up or when every match monster is slain, and the team with more kills wins
 * (equal kills: a draw).
 */
export const MATCH = {
  type: 'match',
  mode: '2v2',
  /** How long a match lasts at most, from the moment its space opens. */
  durationMs: 180_000,
  /** Experience each player of the winning team gains (a draw gives none). */
  winXp: 30,
  /** Where each team enters, and respawns: its players side by side, this far apart. */
  spawns: [
    { x: 20, y: 50 },
    { x: 80, y: 50 },
  ],
  teammateGap: 4,
  /** The monsters of a match, between the two teams. */
  homes: [
    { x: 50, y: 30 },
    { x: 50, y: 50 },
    { x: 50, y: 70 },
  ],
  /** How long a match lives once its last player left. */
  emptyGraceMs: 10_000,
  /** A player's rating for the matchmaker: this plus its experience. */
  baseRating: 1_000,
  /** Longest line of the team chat, in characters. */
  maxChatChars: 200,
} as const;

/** Where the `slot`-th player (from 0) of team `team` enters a match and respawns. */
export function matchSpawn(team: number, slot: number): { x: number; y: number } {
  const side = MATCH.spawns[team] ?? MATCH.spawns[0];
  return { x: side.x, y: side.y + (slot - 0.5) * MATCH.teammateGap };
}

/** The team (0 or 1) of player `uid` in a match of `teams`, or -1 when it is on neither. */
export function teamOf(teams: readonly (readonly string[])[], uid: string | undefined): number {
  return uid === undefined ? -1 : teams.findIndex((members) => members.includes(uid));
}

/** The id of a match's referee, which keeps its score and its time (match-referee.ts). */
export function refereeId(matchId: string): string {
  return `${matchId}/referee`;
}

/** The group of team `team` (0 or 1) of match `matchId`: its team chat. */
export function teamGroup(matchId: string, team: number): string {
  return `team:${matchId}:${team}`;
}

/**
 * The id of the i-th monster (from 0) of a space: `monster-1` … in a lobby's first field, fixed so
 * that clients can name their targets; `<space id>/monster-1` … in any other field and in a match
 * (the entities of one lobby's spaces need ids of their own to be reached).
 */
export function monsterId(index: number, spaceId?: string): string {
  return spaceId === undefined ? `monster-${index + 1}` : `${spaceId}/monster-${index + 1}`;
}

/** The leaderboard entity's id in the store, and the cluster-wide name it is reached by. */
export const LEADERBOARD = {
  id: 'arena-leaderboard',
  /** Its name among the game's globals: `global(LEADERBOARD.global)`. */
  global: 'leaderboard',
  /** How long `leaderboard.top` waits for it, a new owner included, before ARENA_ERR_NO_LEADERBOARD. */
  callTimeoutMs: 2_000,
  /** Most players it ranks. */
  capacity: 100,
  /** Most entries `leaderboard.top` returns. */
  maxTop: 20,
} as const;
