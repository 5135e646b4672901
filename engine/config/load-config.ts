/**
 * Loads the configuration once at start-up. Layers, lowest first:
 *
 * ```
 * defaults (defaults.ts)  ←  config/<name>.jsonc  ←  TESSERA_* environment  ←  command-line flags
 * ```
 *
 * Objects merge key by key; arrays and scalars replace. The merged result is validated against
 * {@link configSchema}, and every problem from every layer is reported together in one
 * {@link ConfigError}, each naming where the bad value came from.
 */

import { join } from 'node:path';
import { configSchema, ROLES, type Config, type Role } from './config-schema.js';
import { checkAddressLists } from './check-address-lists.js';
import { checkClaims } from './check-claims.js';
import { checkMatchmaker } from './check-matchmaker.js';
import { checkRpcSecret } from './check-rpc-secret.js';
import { deepFreeze } from './deep-freeze.js';
import { defaults } from './defaults.js';
import { readEnvLayer, type Assignment } from './env-layer.js';
import { CONFIG_ERRORS, ConfigError, type ConfigProblem } from './errors.js';
import { readFileLayer } from './file-layer.js';
import { readFlagLayer } from './flag-layer.js';
import { LayeredConfig } from './layered-config.js';
import { pathOf } from './path.js';
import { validate } from './schema.js';

/** Options for {@link loadConfig}; all optional. */
export interface LoadConfigOptions {
  /**
   * The role to run as, placed just above the defaults (so the file, `TESSERA_SERVER__ROLE` and
   * `--role`/`--server.role` override it). Default: the role from those, else `standalone`.
   */
  readonly role?: Role;
  /** Config file name without `.jsonc`, looked up in `configDir`; the file must exist. Default: the role. */
  readonly name?: string;
  /** Directory of the per-role files. Default: `config` (relative to the working directory). */
  readonly configDir?: string;
  /** A config file path to use instead of `configDir/<name>.jsonc`; must exist. `--config` overrides it. */
  readonly file?: string;
  /** Environment for `TESSERA_*` settings and `${NAME}` substitution. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Command-line arguments, without the node and script names. Default: `process.argv.slice(2)`. */
  readonly argv?: readonly string[];
}

/**
 * Builds the configuration from defaults, the config file, the environment and the flags,
 * validates it and returns it deeply frozen.
 *
 * The file is `--config <path>`, else `options.file`, else `<configDir>/<name or role>.jsonc`.
 * A file named by `--config`, `file` or `name` must exist; the role's own file is skipped when
 * missing (the shipped `config/` has one per role).
 *
 * @throws {ConfigError} listing every problem found: unreadable or malformed file, unset `${NAME}`,
 *   macro errors, unknown `TESSERA_*` variables or flags, values that fail the schema, and a
 *   missing or short `rpc.secret` for a role other than standalone.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const { configDir = 'config', env = process.env, argv = process.argv.slice(2) } = options;
  const flags = readFlagLayer(configSchema, argv);
  const fromEnv = readEnvLayer(configSchema, env);
  const problems: ConfigProblem[] = [...fromEnv.problems, ...flags.problems];

  const layered = new LayeredConfig();
  layered.merge(defaults, 'defaults');
  if (options.role !== undefined) layered.set(['server', 'role'], options.role, 'loadConfig({ role })');

  // Least important first: flags are applied last, so they win.
  const overrides = [...fromEnv.assignments, ...flags.assignments];
  const file = chooseFile(options, configDir, flags.configFile?.path, overrides);
  if (file) {
    const fileLayer = readFileLayer(file.path, file.required, env);
    problems.push(...fileLayer.problems);
    if (fileLayer.value) layered.merge(fileLayer.value, file.path);
  }
  for (const { keys, value, source } of overrides) layered.set(keys, value, source);

  const result = validate(configSchema, layered.value);
  if (!result.ok) {
    for (const { path, message } of result.issues) {
      problems.push({ code: CONFIG_ERRORS.INVALID, source: layered.originOf(path) ?? 'merged config', path, message });
    }
  } else {
    problems.push(...checkRpcSecret(result.value, layered.originOf('rpc.secret')));
    problems.push(...checkClaims(result.value, (path) => layered.originOf(path)));
    problems.push(...checkMatchmaker(result.value, (path) => layered.originOf(path)));
    problems.push(...checkAddressLists(result.value, (path) => layered.originOf(path)));
  }
  if (!result.ok || problems.length) throw new ConfigError(problems);
  return deepFreeze(result.value);
}

/**
 * Picks the config file, and whether it must exist.
 * @param overrides environment then flag assignments; the last one setting `server.role` names the file.
 */
function chooseFile(
  options: LoadConfigOptions,
  configDir: string,
  flagPath: string | undefined,
  overrides: readonly Assignment[],
): { path: string; required: boolean } | undefined {
  if (flagPath !== undefined) return { path: flagPath, required: true };
  if (options.file !== undefined) return { path: options.file, required: true };
  if (options.name !== undefined) return { path: join(configDir, `${options.name}.jsonc`), required: true };
  const fromOverrides = overrides.findLast((a) => pathOf(a.keys) === 'server.role')?.value;
  const role = fromOverrides ?? options.role ?? defaults.server.role;
  // An unknown role names no file (and must not become a path); validation reports the role itself.
  return isRole(role) ? { path: join(configDir, `${role}.jsonc`), required: false } : undefined;
}

function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}
