/**
 * A hero's progress, saved with it: experience, kills and deaths survive logout and login.
 * Gaining experience (a kill, a match won) tells the leaderboard, wherever it runs; a kill is
 * pushed to the player (`arena.kill`). Only the hero's own player sees it synced.
 */
import { Component, playerOf } from 'tessera';
import type { LeaderboardEntity } from './leaderboard.js';
import { LEADERBOARD } from './rules.js';

/** Experience, kills and deaths; assigning them marks the hero for saving. */
export class Experience extends Component {
  static override persist = ['xp', 'kills', 'deaths'];
  static override sync = { xp: 'owner', kills: 'owner', deaths: 'owner' } as const;

  xp = 0;
  kills = 0;
  deaths = 0;

  /**
   * Counts a kill of `target` worth `xp`: pushes `arena.kill` as `{ target, xp, totalXp, kills }`
   * to the player and records the new total on the leaderboard. The kill stands when the
   * leaderboard cannot be reached (logged); its next record catches up.
   */
  async countKill(target: string, xp: number): Promise<void> {
    this.xp += xp;
    this.kills += 1;
    playerOf(this).session?.push('arena.kill', { target, xp, totalXp: this.xp, kills: this.kills });
    await this.record('a kill');
  }

  /**
   * Counts a match won, worth `xp` (the player is told by `arena.result`), and records the new
   * total on the leaderboard as {@link countKill} does.
   */
  async countWin(xp: number): Promise<void> {
    this.xp += xp;
    await this.record('a win');
  }

  private async record(what: string): Promise<void> {
    const hero = playerOf(this);
    try {
      await hero.global<LeaderboardEntity>(LEADERBOARD.global).Ranking.record(hero.id, this.xp);
    } catch (err) {
      hero.logger.warn(`the leaderboard was not told of ${what}`, { err });
    }
  }
}
