/**
 * A rule on the configuration that spans keys: every role but standalone needs the cluster
 * secret (`rpc.secret`), long enough to guess at no better than chance. The value itself never
 * appears in a problem.
 */
import type { Config } from './config-schema.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';

/** The least number of UTF-8 bytes of `rpc.secret`. */
export const MIN_RPC_SECRET_BYTES = 32;

const HOW = 'generate one with `openssl rand -base64 48`, give every server of the cluster the same one (RPC_SECRET in the shipped files, or TESSERA_RPC__SECRET)';

/**
 * Problems with `rpc.secret` in a configuration that passed the schema.
 * @param source where `rpc.secret` came from, for the problem's source when it is set.
 */
export function checkRpcSecret(config: Config, source: string | undefined): ConfigProblem[] {
  const { secret } = config.rpc;
  if (secret === undefined) {
    if (config.server.role === 'standalone') return [];
    return [{ code: CONFIG_ERRORS.INVALID, source: 'merged config', path: 'rpc.secret', message: `required for role ${config.server.role}: servers of a cluster prove to each other that they share it; ${HOW}` }];
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes >= MIN_RPC_SECRET_BYTES) return [];
  return [{ code: CONFIG_ERRORS.INVALID, source: source ?? 'merged config', path: 'rpc.secret', message: `expected at least ${MIN_RPC_SECRET_BYTES} bytes, got ${bytes} (not shown); ${HOW}` }];
}
