/**
 * Forming matches from waiting tickets: pure (no I/O, the time passed in), deterministic for the
 * same tickets and time, and bounded in cost.
 *
 * Each ticket's rating window widens with its waiting time ({@link windowOf}). A group of tickets
 * fits when every ticket accepts every rating in the group: for each ticket, the group's lowest
 * and highest ratings lie within its window of its own. Tickets are sorted by rating (then by age,
 * then uid); each unused ticket in turn anchors a group. Its candidates are the next unused
 * tickets within the anchor's window, at most {@link MAX_SCAN_PER_PLAYER} × the players a match
 * needs; the group takes those that fit it, nearest rating first, skipping the others, until it
 * holds exactly `teams × teamSize` players that pack into teams; failing that, it tries once more
 * taking the largest parties first. Never a search over subsets.
 *
 * Teams: parties are placed largest first (then highest rated), each on the team with room that
 * has the lowest rating total so far, which keeps a party together and the teams' totals close.
 */
import type { MatchMode, RatingWindow, Ticket } from './ticket.js';

/** Candidates one anchor may look at, per player a match needs. */
export const MAX_SCAN_PER_PLAYER = 16;

/** A match formed from waiting tickets. */
export interface FormedMatch {
  mode: string;
  /** Its tickets, in the order they joined the group (lowest rating first). */
  tickets: Ticket[];
  /** The uids of each team; every party's members are on one team. */
  teams: string[][];
}

/** How wide `ticket`'s window is at `now`: `start + growPerSecond × waited seconds`, at most `max`. */
export function windowOf(window: RatingWindow, ticket: Ticket, now: number): number {
  const waitedSeconds = Math.max(0, now - ticket.since) / 1000;
  return Math.min(window.max, window.start + window.growPerSecond * waitedSeconds);
}

/** Orders tickets by rating, then the longest waiting, then uid. */
function compareTickets(a: Ticket, b: Ticket): number {
  return a.rating - b.rating || a.since - b.since || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

/**
 * The matches that form among `tickets` of one mode at `now`. No uid is in two matches, nor twice
 * in one, whatever the input holds (a ticket naming a uid already taken is left out).
 * @param tickets waiting tickets of mode `name`; tickets of other modes are ignored.
 */
export function formMatches(name: string, mode: MatchMode, tickets: readonly Ticket[], now: number): FormedMatch[] {
  const needed = mode.teams * mode.teamSize;
  const sorted = tickets.filter((t) => t.mode === name && t.party.length > 0 && t.party.length <= mode.teamSize).sort(compareTickets);
  const windows = sorted.map((t) => windowOf(mode.window, t, now));
  const used = new Uint8Array(sorted.length);
  const taken = new Set<string>();
  const matches: FormedMatch[] = [];
  const maxScan = needed * MAX_SCAN_PER_PLAYER;

  for (let anchor = 0; anchor < sorted.length; anchor++) {
    if (used[anchor] || sorted[anchor]!.party.some((uid) => taken.has(uid))) continue;
    const first = sorted[anchor]!;
    // The unused tickets the anchor accepts, nearest rating first.
    const candidates: number[] = [];
    for (let next = anchor + 1; next < sorted.length && candidates.length < maxScan; next++) {
      if (sorted[next]!.rating - first.rating > windows[anchor]!) break;
      if (!used[next]) candidates.push(next);
    }
    const group =
      grow(anchor, candidates) ??
      // A smaller party between two larger ones can leave a group one player short or over:
      // try once more with the largest parties first.
      grow(anchor, [...candidates].sort((a, b) => sorted[b]!.party.length - sorted[a]!.party.length || a - b));
    if (!group) continue;
    const members = group.map((i) => sorted[i]!);
    for (const i of group) used[i] = 1;
    for (const ticket of members) for (const uid of ticket.party) taken.add(uid);
    matches.push({ mode: name, tickets: members, teams: assignTeams(members, mode)! });
  }
  return matches;

  /** A group of exactly `needed` players from `anchor` and candidates in the given order, or undefined. */
  function grow(anchor: number, order: readonly number[]): number[] | undefined {
    const first = sorted[anchor]!;
    const group = [anchor];
    const uids = new Set(first.party);
    let players = first.party.length;
    let lowest = first.rating;
    let highest = first.rating;
    // The ratings every ticket of the group accepts: [floor, ceiling].
    let floor = first.rating - windows[anchor]!;
    let ceiling = first.rating + windows[anchor]!;
    for (const next of order) {
      if (players === needed) break;
      const candidate = sorted[next]!;
      const window = windows[next]!;
      if (candidate.rating < floor || candidate.rating > ceiling) continue;
      if (highest - candidate.rating > window || candidate.rating - lowest > window) continue;
      if (players + candidate.party.length > needed) continue;
      if (candidate.party.some((uid) => taken.has(uid) || uids.has(uid))) continue;
      if (players + candidate.party.length === needed && !assignTeams([...group, next].map((i) => sorted[i]!), mode)) continue;
      group.push(next);
      for (const uid of candidate.party) uids.add(uid);
      players += candidate.party.length;
      lowest = Math.min(lowest, candidate.rating);
      highest = Math.max(highest, candidate.rating);
      floor = Math.max(floor, candidate.rating - window);
      ceiling = Math.min(ceiling, candidate.rating + window);
    }
    return players === needed ? group : undefined;
  }
}

/**
 * Splits tickets into `mode.teams` teams of exactly `mode.teamSize` players, each party on one
 * team: largest party first (then highest rated, then uid), each to the team with room and the
 * lowest rating total (the first such team on ties).
 * @returns the uids of each team, or undefined when the parties do not pack this way.
 */
export function assignTeams(tickets: readonly Ticket[], mode: MatchMode): string[][] | undefined {
  const order = [...tickets].sort((a, b) => b.party.length - a.party.length || b.rating - a.rating || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  const teams: string[][] = Array.from({ length: mode.teams }, () => []);
  const totals = new Array<number>(mode.teams).fill(0);
  for (const ticket of order) {
    let best = -1;
    for (let t = 0; t < mode.teams; t++) {
      if (teams[t]!.length + ticket.party.length > mode.teamSize) continue;
      if (best < 0 || totals[t]! < totals[best]!) best = t;
    }
    if (best < 0) return undefined;
    teams[best]!.push(...ticket.party);
    totals[best]! += ticket.rating * ticket.party.length;
  }
  return teams.every((team) => team.length === mode.teamSize) ? teams : undefined;
}
