/**
 * The rules on the ownership-claim timings (`store.claim*`) that span keys: a lobby renews its
 * claims more often than they lapse, and a bind waits for another lobby's claim no longer than a
 * claim can outlive its owner. Checked here so that a wrong pair stops start-up with the keys
 * named, rather than failing inside the lobby.
 */
import type { Config } from './config-schema.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';

/**
 * Problems with `store.claimRenewMs` and `store.claimWaitMs` in a configuration that passed the schema.
 * @param originOf where a key's value came from, for the problem's source.
 */
export function checkClaims(config: Config, originOf: (path: string) => string | undefined): ConfigProblem[] {
  const { claimTtlMs, claimRenewMs, claimWaitMs } = config.store;
  const problems: ConfigProblem[] = [];
  if (claimRenewMs >= claimTtlMs) {
    problems.push({
      code: CONFIG_ERRORS.INVALID,
      source: originOf('store.claimRenewMs') ?? 'merged config',
      path: 'store.claimRenewMs',
      message: `must be below store.claimTtlMs (${claimTtlMs}), got ${claimRenewMs}: claims would lapse between renewals; a third of claimTtlMs leaves two tries`,
    });
  }
  // An owner's claim lapses at most claimTtlMs after its last renewal; a claim still held after
  // that is renewed by a live owner, and waiting longer only delays LOBBY_ERR_AVATAR_BUSY.
  if (claimWaitMs > claimTtlMs) {
    problems.push({
      code: CONFIG_ERRORS.INVALID,
      source: originOf('store.claimWaitMs') ?? 'merged config',
      path: 'store.claimWaitMs',
      message: `must be at most store.claimTtlMs (${claimTtlMs}), got ${claimWaitMs}: a claim outlives a dead owner by claimTtlMs at most`,
    });
  }
  return problems;
}
