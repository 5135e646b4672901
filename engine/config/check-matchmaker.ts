/**
 * The rules on `matchmaker.*` that span keys: a mode's window never starts wider than its
 * maximum, and a launch's claim outlives the calls the launch makes. Checked here so that a wrong
 * pair stops start-up with the key named, rather than misbehaving in the matchmaker.
 */
import type { Config } from './config-schema.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';

/**
 * Problems with `matchmaker.*` in a configuration that passed the schema.
 * @param originOf where a key's value came from, for the problem's source.
 */
export function checkMatchmaker(config: Config, originOf: (path: string) => string | undefined): ConfigProblem[] {
  const { modes, claimTtlMs, callTimeoutMs } = config.matchmaker;
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ code: CONFIG_ERRORS.INVALID, source: originOf(path) ?? 'merged config', path, message });
  for (const [name, mode] of Object.entries(modes)) {
    if (mode.window.max < mode.window.start) problem(`matchmaker.modes.${name}.window.max`, `must be at least window.start (${mode.window.start}), got ${mode.window.max}`);
  }
  // A launch makes two calls one after the other (create the space, then the moves at once).
  if (claimTtlMs <= 2 * callTimeoutMs) {
    problem('matchmaker.claimTtlMs', `must be above twice matchmaker.callTimeoutMs (${2 * callTimeoutMs}), got ${claimTtlMs}: a slow launch would lose its tickets to another pass`);
  }
  return problems;
}
