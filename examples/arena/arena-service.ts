/**
 * The arena's client service: `arena.look` (what the player's hero sees, on request; clients
 * also get it synced every tick in `client.world`), the 2v2 queue: `arena.queue`,
 * `arena.cancel`, and `arena.leave` to go back from a match to the field, and the team chat of a
 * match, `arena.chat`, on a group per team (`team:<match id>:<team>`). Its referees call
 * `endMatch` (server-callable) when a match is over: the service reaches the lobby's spaces,
 * which entities do not.
 */
import { RemoteError, RpcError, Service, type ClientCaller, type Entity, type MatchSpaceData, type PlayerEntity, type TicketStatus } from 'tessera';
import { Health, Position } from './body.js';
import { arenaError } from './errors.js';
import { Experience } from './experience.js';
import { Hero } from './hero.js';
import type { MatchOutcome, MatchResult } from './match-referee.js';
import { Monster } from './monster.js';
import { FIELD, MATCH, teamGroup, teamOf } from './rules.js';

/** One creature as a client sees it. */
export interface Seen {
  id: string;
  x: number;
  y: number;
  hp: number;
}

/** What `arena.look` answers. */
export interface View {
  /** The caller's hero, with its saved progress; absent before login. */
  you?: Seen & { xp: number; kills: number; deaths: number };
  /** The space the hero is in. */
  space?: { id: string; type: string };
  /** The other heroes within the hero's view radius. */
  heroes: Seen[];
  /** The monsters within the hero's view radius. */
  monsters: Seen[];
}

/** A line of a team chat, as `arena.chat` pushes it to the team. */
export interface TeamChatLine {
  /** The uid of the player who said it. */
  from: string;
  text: string;
}

/** The client's view of the arena, the match queue and the team chat. */
export class ArenaService extends Service {
  static override clientCallable = ['look', 'queue', 'cancel', 'leave', 'chat'];
  static override serverCallable = ['endMatch'];

  /** The caller's hero and what it sees: the heroes and monsters of its space within `FIELD.viewRadius`. */
  look(caller: ClientCaller): View {
    const hero = caller.avatar;
    if (!hero) return { heroes: [], monsters: [] };
    const heroes: Seen[] = [];
    const monsters: Seen[] = [];
    for (const other of hero.nearby(FIELD.viewRadius)) {
      if (other instanceof Hero) heroes.push(seen(other));
      else if (other instanceof Monster) monsters.push(seen(other));
    }
    const { xp, kills, deaths } = hero.get(Experience);
    const space = hero.space;
    return { you: { ...seen(hero), xp, kills, deaths }, ...(space ? { space: { id: space.id, type: space.type } } : {}), heroes, monsters };
  }

  /**
   * Queues the caller for a 2v2 match, rated by its experience. When four players fit, the match
   * opens in a space of its own and the four are moved in (`sys.space`, then `arena.match`).
   * @throws GameError ARENA_ERR_IN_MATCH from a match; ARENA_ERR_QUEUE_REFUSED when the matchmaker
   *   refuses (queued already, none running), its code after the message.
   */
  async queue(caller: ClientCaller): Promise<TicketStatus> {
    const hero = caller.avatar!;
    if (hero.space?.type === MATCH.type) throw arenaError('ARENA_ERR_IN_MATCH');
    try {
      return await this.game.matchmaker.queue(hero, { mode: MATCH.mode, rating: MATCH.baseRating + hero.get(Experience).xp });
    } catch (err) {
      throw matchRefusal(err);
    }
  }

  /**
   * Leaves the queue. @returns false when the caller had no ticket, or its match is opening.
   * @throws GameError ARENA_ERR_QUEUE_REFUSED when the matchmaker cannot be reached.
   */
  async cancel(caller: ClientCaller): Promise<boolean> {
    try {
      return await this.game.matchmaker.cancel(caller.avatar!);
    } catch (err) {
      throw matchRefusal(err);
    }
  }

  /**
   * Goes back from a match to a field of the match's lobby with room (after this request is answered).
   * @throws GameError ARENA_ERR_NOT_IN_MATCH outside a match.
   */
  leave(caller: ClientCaller): void {
    const hero = caller.avatar!;
    const { matchId, team, uid } = this.matchOf(caller);
    this.leaveTeamChat(matchId, team, [uid]);
    this.backToField(hero);
  }

  /**
   * Says `text` to the caller's team: each player of it, the caller too, is pushed `arena.chat`
   * (a {@link TeamChatLine}) wherever it is connected. The team's group is filled at its first
   * line (joining players who are in it already changes nothing) and emptied when the match ends.
   * @throws GameError ARENA_ERR_NOT_IN_MATCH outside a match; ARENA_ERR_BAD_CHAT for a line that
   *   is not a string of 1 to `MATCH.maxChatChars` characters.
   */
  async chat(caller: ClientCaller, text: unknown): Promise<void> {
    const { matchId, team, teams, uid } = this.matchOf(caller);
    if (typeof text !== 'string' || text.length === 0 || text.length > MATCH.maxChatChars) throw arenaError('ARENA_ERR_BAD_CHAT');
    if (team < 0) throw arenaError('ARENA_ERR_NOT_IN_MATCH');
    const group = teamGroup(matchId, team);
    await this.game.groups.join(group, teams[team]!);
    const line: TeamChatLine = { from: uid, text };
    await this.game.groups.broadcast(group, 'arena.chat', line);
  }

  /**
   * Ends the match of `outcome.spaceId` on this lobby (its referee calls it): each player in it is
   * pushed `arena.result`, the winners gain `MATCH.winXp`, and all go back to a field of this
   * lobby with room; the empty match is disposed `MATCH.emptyGraceMs` later. Nothing for a space not here.
   */
  endMatch(outcome: MatchOutcome): void {
    const space = this.game.spaces.local(outcome.spaceId);
    if (space?.type !== MATCH.type) return;
    const { teams } = space.data as MatchSpaceData;
    teams.forEach((uids, team) => this.leaveTeamChat(space.id, team, uids));
    for (const player of space.players()) {
      const team = teamOf(teams, player.session?.uid);
      const won = team === outcome.winner;
      const result: MatchResult = { ...outcome, team, xp: won ? MATCH.winXp : 0 };
      player.session?.push('arena.result', result);
      if (won) void player.get(Experience).countWin(MATCH.winXp);
      this.backToField(player);
    }
  }

  /**
   * The caller's match, its teams and the caller's team (-1: on neither).
   * @throws GameError ARENA_ERR_NOT_IN_MATCH outside a match.
   */
  private matchOf(caller: ClientCaller): { matchId: string; team: number; teams: readonly (readonly string[])[]; uid: string } {
    const id = caller.avatar!.space?.id;
    const space = id === undefined ? undefined : this.game.spaces.local(id);
    if (space?.type !== MATCH.type) throw arenaError('ARENA_ERR_NOT_IN_MATCH');
    const { teams } = space.data as MatchSpaceData;
    const uid = caller.session!.uid;
    return { matchId: space.id, team: teamOf(teams, uid), teams, uid };
  }

  // Not awaited: a player goes back to the field whether or not the group store answers.
  private leaveTeamChat(matchId: string, team: number, uids: readonly string[]): void {
    if (team < 0) return;
    this.game.groups.leave(teamGroup(matchId, team), uids).catch((err: unknown) => this.game.logger.warn('could not leave a team chat', { err, matchId, team }));
  }

  // The first field with room, as at login (another opens when all are full). Not awaited: the
  // move runs on the player's queue, after what it is doing now (this request).
  private backToField(player: PlayerEntity): void {
    void this.game.spaces.enterStart(player).catch((err: unknown) => player.logger.error('could not go back to a field', { err }));
  }
}

function seen(entity: Entity): Seen {
  const { x, y } = entity.get(Position);
  return { id: entity.id, x, y, hp: entity.get(Health).hp };
}

// The matchmaker's refusals (MATCH_ERR_*) and a matchmaker out of reach, as the player's code.
function matchRefusal(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if ((err instanceof RemoteError || err instanceof Error) && typeof code === 'string' && code.startsWith('MATCH_ERR_')) {
    return arenaError('ARENA_ERR_QUEUE_REFUSED', { cause: err, detail: code });
  }
  if (err instanceof RemoteError) return arenaError('ARENA_ERR_QUEUE_REFUSED', { cause: err, detail: err.code });
  // The matchmaker out of reach (its process restarting, say): the player may queue again later.
  if (err instanceof RpcError) return arenaError('ARENA_ERR_QUEUE_REFUSED', { cause: err, detail: err.code });
  return err;
}
