/**
 * The rule on the ownership-claim timings (`store.claim*`) that spans keys: a lobby renews its
 * claims more often than they lapse. Checked here so that a wrong pair stops start-up with the
 * keys named, rather than failing inside the lobby.
 */
import type { Config } from './config-schema.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';

/**
 * Problems with `store.claimRenewMs` in a configuration that passed the schema.
 * @param originOf where a key's value came from, for the problem's source.
 */
export function checkClaims(config: Config, originOf: (path: string) => string | undefined): ConfigProblem[] {
  const { claimTtlMs, claimRenewMs } = config.store;
  const problems: ConfigProblem[] = [];
  if (claimRenewMs >= claimTtlMs) {
    problems.push({
      code: CONFIG_ERRORS.INVALID,
      source: originOf('store.claimRenewMs') ?? 'merged config',
      path: 'store.claimRenewMs',
      message: `must be below store.claimTtlMs (${claimTtlMs}), got ${claimRenewMs}: claims would lapse between renewals; a third of claimTtlMs leaves two tries`,
    });
  }
  return problems;
}
