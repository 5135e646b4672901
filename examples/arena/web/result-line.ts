/**
 * The line the page shows when a match ends (`arena.result`): who won, the kills of the player's
 * team against the other's, why it ended, and the experience the win gave.
 */
import type { MatchResult } from '../match-referee.js';

/** What the page says of `result`, from the player's side: `you won 2–1 …`, `you lost …`, `a draw …`. */
export function resultLine(result: MatchResult): string {
  const ours = result.kills[result.team] ?? 0;
  const theirs = result.kills[1 - result.team] ?? 0;
  const verdict = result.winner === null ? 'a draw' : result.winner === result.team ? 'you won' : 'you lost';
  const why = result.reason === 'cleared' ? 'every monster slain' : result.reason === 'drain' ? 'the server is moving you' : 'time is up';
  const gained = result.xp > 0 ? ` (+${result.xp} xp)` : '';
  return `match over, ${why}: ${verdict} ${ours}–${theirs}${gained}; back to the field`;
}
