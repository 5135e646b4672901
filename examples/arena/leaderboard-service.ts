/**
 * `leaderboard.top`: what clients call to see the ranking. The service runs on every lobby and
 * asks the one leaderboard entity, wherever in the cluster it lives, by its name.
 */
import { RpcError, Service, type ClientCaller } from 'tessera';
import { arenaError } from './errors.js';
import type { LeaderboardEntity, RankEntry } from './leaderboard.js';
import { LEADERBOARD } from './rules.js';

/** The client front of the leaderboard. */
export class LeaderboardService extends Service {
  static override clientCallable = ['top'];

  /**
   * The best `n` players (1 to 20, default 10), best first, as `{ player, xp }`.
   * @throws GameError ARENA_ERR_NO_LEADERBOARD when no lobby holds the leaderboard, or it does not answer.
   */
  async top(_caller: ClientCaller, n?: number): Promise<RankEntry[]> {
    try {
      return await this.game.named<LeaderboardEntity>(LEADERBOARD.name).Ranking.top(typeof n === 'number' ? n : undefined);
    } catch (err) {
      if (err instanceof RpcError) throw arenaError('ARENA_ERR_NO_LEADERBOARD', { cause: err });
      throw err;
    }
  }
}
