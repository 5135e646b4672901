/**
 * The leaderboard: ONE entity in the whole cluster, saved, the game's global `leaderboard` (see
 * index.ts: one lobby runs it, another takes it over when that one dies or drains). Heroes on any
 * lobby record their experience with `global(LEADERBOARD.global).Ranking.record(...)`; the
 * `leaderboard.top` service reads it the same way. Calls reach it through its own queue, one at a
 * time, so its ranking never sees two updates interleave.
 */
import { Component, Entity, type ComponentClass } from 'tessera';
import { LEADERBOARD } from './rules.js';

/** One ranked player. */
export interface RankEntry {
  /** The hero's id. */
  player: string;
  xp: number;
}

/** The leaderboard as seen from other entities and services, for `named<LeaderboardEntity>(…)`. */
export interface LeaderboardEntity {
  Ranking: Ranking;
}

/** The best players by experience, best first, at most {@link LEADERBOARD.capacity}. */
export class Ranking extends Component {
  static override persist = ['entries'];
  static override serverCallable = ['record', 'top'];

  entries: RankEntry[] = [];

  /**
   * Sets `player`'s experience to `xp` and ranks them again; a player below the last of a full
   * board is not kept.
   * @throws TypeError for a player that is not a non-empty string or xp that is not a finite number >= 0.
   */
  record(player: string, xp: number): void {
    if (typeof player !== 'string' || player.length === 0) throw new TypeError('record: player must be a non-empty string');
    if (typeof xp !== 'number' || !Number.isFinite(xp) || xp < 0) throw new TypeError('record: xp must be a finite number >= 0');
    const others = this.entries.filter((entry) => entry.player !== player);
    others.push({ player, xp });
    // Ties keep the order they were reached in: the earlier stays ahead.
    others.sort((a, b) => b.xp - a.xp);
    this.entries = others.slice(0, LEADERBOARD.capacity);
  }

  /** The best `n` players (1 to {@link LEADERBOARD.maxTop}, default 10), best first. */
  top(n = 10): RankEntry[] {
    const count = Number.isInteger(n) ? Math.min(Math.max(n, 1), LEADERBOARD.maxTop) : 10;
    return this.entries.slice(0, count);
  }
}

/** The entity that holds the ranking. */
export class Leaderboard extends Entity {
  static override components: readonly ComponentClass[] = [Ranking];
}
