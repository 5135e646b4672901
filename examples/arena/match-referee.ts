/**
 * A match's referee: an entity in the match's space that keeps its score and its time. Heroes
 * report the match monsters they slay (`Scoreboard.scoreKill`, through the referee's queue); each
 * counts one kill for the slayer's team. The match ends when `MATCH.durationMs` is up (a timer of
 * the referee's, on the game's clock) or when every match monster is slain, whichever comes first:
 * the team with more kills wins, equal kills are a draw. A lobby that drains ends its matches at
 * once (`Scoreboard.endNow`), as the time limit would. The referee then hands the outcome to the
 * arena service of its lobby (`arena.endMatch`), which tells the players and moves them out.
 */
import { Component, Entity, type ComponentClass, type PlayerEntity, type TimerHandle } from 'tessera';
import type { ArenaService } from './arena-service.js';
import { MATCH, refereeId, teamOf } from './rules.js';

/** How a match ended. */
export interface MatchOutcome {
  spaceId: string;
  /** The winning team (0 west, 1 east), or null for a draw. */
  winner: 0 | 1 | null;
  /** The kills of each team. */
  kills: [number, number];
  /** `time`: the time limit came; `cleared`: every match monster was slain; `drain`: the match's lobby is stopping. */
  reason: 'time' | 'cleared' | 'drain';
}

/** What `arena.result` pushes to each player of a match that ended. */
export interface MatchResult extends MatchOutcome {
  /** The player's team. */
  team: number;
  /** The experience the player gained for the result (`MATCH.winXp` for a win, else 0). */
  xp: number;
}

/** A referee as seen from other entities, for `remote<RefereeEntity>(mailbox)`. */
export interface RefereeEntity {
  Scoreboard: Scoreboard;
}

/** Longest id a kill report may carry. */
const MAX_ID = 256;

/** The score and the clock of one match. */
export class Scoreboard extends Component {
  static override serverCallable = ['scoreKill'];

  private teams: readonly (readonly string[])[] = [];
  private monsters: ReadonlySet<string> = new Set();
  private readonly slain = new Set<string>();
  private readonly kills: [number, number] = [0, 0];
  private timeUp: TimerHandle | undefined;
  private ended = false;

  /**
   * Starts the match: `teams` (the uids of each), the ids of its monsters, and the time limit,
   * `MATCH.durationMs` from now.
   */
  open(teams: readonly (readonly string[])[], monsterIds: readonly string[]): void {
    this.teams = teams;
    this.monsters = new Set(monsterIds);
    this.timeUp = this.entity.timers.after(MATCH.durationMs, () => this.end('time'));
  }

  /**
   * Counts the kill of match monster `monsterId` by player `uid` for the player's team (none when
   * the player is on neither team, or `uid` is empty: a player offline); the last monster slain
   * ends the match. A monster already counted, one of another space, and kills after the end are
   * ignored.
   * @throws TypeError for a `monsterId` that is not a string of 1 to 256 characters, or a `uid`
   *   that is not one of at most 256 (a bug in the caller).
   */
  scoreKill(monsterId: string, uid: string): void {
    if (typeof monsterId !== 'string' || monsterId.length === 0 || monsterId.length > MAX_ID || typeof uid !== 'string' || uid.length > MAX_ID) {
      throw new TypeError('scoreKill: monsterId must be a string of 1 to 256 characters, uid one of at most 256');
    }
    if (this.ended || !this.monsters.has(monsterId) || this.slain.has(monsterId)) return;
    this.slain.add(monsterId);
    const team = teamOf(this.teams, uid);
    if (team === 0 || team === 1) this.kills[team] += 1;
    if (this.slain.size === this.monsters.size) void this.end('cleared');
  }

  /**
   * Ends the match now, scored as it stands (the lobby drains: its players are about to move to
   * another lobby's field). Resolves once its players were told the result and sent back to a field.
   */
  endNow(): Promise<void> {
    return this.end('drain');
  }

  // Once: the outcome goes to the arena service, which runs outside any entity and moves players.
  private end(reason: MatchOutcome['reason']): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    if (this.timeUp !== undefined) this.entity.timers.cancel(this.timeUp);
    const [west, east] = this.kills;
    const referee = this.entity;
    const outcome: MatchOutcome = {
      spaceId: referee.space?.id ?? '',
      winner: west > east ? 0 : east > west ? 1 : null,
      kills: [west, east],
      reason,
    };
    referee.logger.info('match over', { ...outcome });
    return referee
      .service<Pick<ArenaService, 'endMatch'>>(referee.mailbox.serverId, 'arena')
      .endMatch(outcome)
      .catch((err: unknown) => referee.logger.error('the match could not be ended', { err }));
  }
}

/** The referee of a match. */
export class Referee extends Entity {
  static override components: readonly ComponentClass[] = [Scoreboard];
}

/**
 * Tells the referee of `hero`'s match that the hero slew monster `monsterId` (nothing outside a
 * match). A referee out of reach is logged: the kill still stands for the hero.
 */
export async function reportKill(hero: PlayerEntity, monsterId: string): Promise<void> {
  const space = hero.space;
  if (space?.type !== MATCH.type) return;
  const referee = hero.remote<RefereeEntity>({ serverId: hero.mailbox.serverId, entityId: refereeId(space.id) });
  try {
    await referee.Scoreboard.scoreKill(monsterId, hero.session?.uid ?? '');
  } catch (err) {
    hero.logger.warn('the referee was not told of a kill', { err });
  }
}
