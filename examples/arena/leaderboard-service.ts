/**
 * `leaderboard.top`: what clients call to see the ranking. The service runs on every lobby and
 * asks the one leaderboard entity, the game's global `leaderboard`, wherever in the cluster it
 * lives; while it moves to another lobby the call waits for it.
 */
import { Service, isRetryable, type ClientCaller } from 'tessera';
import { arenaError } from './errors.js';
import type { LeaderboardEntity, RankEntry } from './leaderboard.js';
import { LEADERBOARD } from './rules.js';

/** The client front of the leaderboard. */
export class LeaderboardService extends Service {
  static override clientCallable = ['top'];

  /**
   * The best `n` players (1 to 20, default 10), best first, as `{ player, xp }`.
   * @throws GameError ARENA_ERR_NO_LEADERBOARD when no lobby runs the leaderboard within
   *   {@link LEADERBOARD.callTimeoutMs}, or its lobby died under the call.
   */
  async top(_caller: ClientCaller, n?: number): Promise<RankEntry[]> {
    try {
      return await this.game.global<LeaderboardEntity>(LEADERBOARD.global, { timeoutMs: LEADERBOARD.callTimeoutMs }).Ranking.top(typeof n === 'number' ? n : undefined);
    } catch (err) {
      if (isRetryable(err)) throw arenaError('ARENA_ERR_NO_LEADERBOARD', { cause: err });
      throw err;
    }
  }
}
