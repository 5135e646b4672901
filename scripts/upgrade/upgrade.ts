/**
 * `npm run upgrade -- --admin <services base URL> --api-key <key> [--order lobby,gate,services]
 * [--timeout-ms 180000] [--version <v>]`: a rolling upgrade of a running cluster (roll-cluster.ts).
 * Install the new code where the supervisor (systemd, Kubernetes, compose) starts servers from,
 * then run it: each server in turn is drained and the roll waits for its replacement. It prints a
 * line per step; the exit code is 0 when every server was replaced, 1 at the first step that
 * failed (named on standard error), 2 for bad arguments.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UpgradeError } from './errors.js';
import { ROLL_ORDER, rollCluster, type RollOptions, type RollRole } from './roll-cluster.js';

const USAGE = 'usage: npm run upgrade -- --admin <services base URL> --api-key <key> [--order lobby,gate,services] [--timeout-ms 180000] [--version <v>]';

/**
 * The roll's options from the command line (the arguments after the script's name).
 * @throws UpgradeError UPGRADE_ERR_USAGE naming what cannot be read.
 */
export function readUpgradeArgs(argv: readonly string[]): RollOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { admin: { type: 'string' }, 'api-key': { type: 'string' }, order: { type: 'string' }, 'timeout-ms': { type: 'string' }, version: { type: 'string' } },
    }));
  } catch (err) {
    throw new UpgradeError('UPGRADE_ERR_USAGE', err instanceof Error ? err.message : String(err));
  }
  const { admin, 'api-key': apiKey, order, 'timeout-ms': timeout, version } = values;
  if (!admin || !apiKey) throw new UpgradeError('UPGRADE_ERR_USAGE', '--admin and --api-key are required');
  const roles = order === undefined ? undefined : order.split(',').map((role) => role.trim());
  const unknown = roles?.filter((role) => !(ROLL_ORDER as readonly string[]).includes(role)) ?? [];
  if (unknown.length > 0 || roles?.length === 0) throw new UpgradeError('UPGRADE_ERR_USAGE', `--order takes roles among ${ROLL_ORDER.join(', ')}, not ${JSON.stringify(order)}`);
  const timeoutMs = timeout === undefined ? undefined : Number(timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UpgradeError('UPGRADE_ERR_USAGE', `--timeout-ms must be a positive whole number of milliseconds, not ${JSON.stringify(timeout)}`);
  return {
    admin,
    apiKey,
    ...(roles ? { order: roles as RollRole[] } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(version === undefined ? {} : { version }),
  };
}

/** Runs the roll the command line asks for; resolves with the exit code. */
export async function runUpgrade(argv: readonly string[]): Promise<number> {
  try {
    await rollCluster(readUpgradeArgs(argv));
    return 0;
  } catch (err) {
    process.stderr.write(`upgrade: stopped: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof UpgradeError && err.code === 'UPGRADE_ERR_USAGE') {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

// Run as a script (not when a test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runUpgrade(process.argv.slice(2));
