/**
 * The config area's error catalogue. Every problem found while loading configuration carries one
 * of these stable codes; {@link loadConfig} collects them all and throws a single
 * {@link ConfigError}. There are no numeric wire codes: config errors stop start-up and never
 * reach a peer.
 */
import type { CatalogueEntry } from '../errors/coded-error.js';

/** Stable codes for configuration problems. Codes are never reused; each is documented in config/README.md. */
export const CONFIG_ERRORS = {
  /** A config file that was asked for could not be read (missing, unreadable). */
  FILE_READ: 'CONFIG_ERR_FILE_READ',
  /** A config file is not valid JSONC, or has a duplicate or forbidden key. */
  PARSE: 'CONFIG_ERR_PARSE',
  /** `${NAME}` names an environment variable that is not set and has no `:-default`. */
  ENV_UNSET: 'CONFIG_ERR_ENV_UNSET',
  /** A malformed `${...}` expression, a bad `$macros` block, or a non-scalar macro inside a longer string. */
  SUBSTITUTION: 'CONFIG_ERR_SUBSTITUTION',
  /** `${@name}` names a macro that the file does not define. */
  MACRO_UNKNOWN: 'CONFIG_ERR_MACRO_UNKNOWN',
  /** Macros refer to each other in a cycle. */
  MACRO_CYCLE: 'CONFIG_ERR_MACRO_CYCLE',
  /** A `TESSERA_*` environment variable does not name a setting. */
  UNKNOWN_ENV: 'CONFIG_ERR_UNKNOWN_ENV',
  /** A command-line argument is not a known flag, or a flag lacks its value. */
  UNKNOWN_FLAG: 'CONFIG_ERR_UNKNOWN_FLAG',
  /** The merged configuration does not match the schema (wrong type, out of range, unknown key...). */
  INVALID: 'CONFIG_ERR_INVALID',
} as const;

/** One of the {@link CONFIG_ERRORS} codes. */
export type ConfigErrorCode = (typeof CONFIG_ERRORS)[keyof typeof CONFIG_ERRORS];

/** The config catalogue as docs/errors.md shows it: each code's message and when it is raised. */
export const CONFIG_ERROR_ENTRIES: Readonly<Record<ConfigErrorCode, CatalogueEntry>> = {
  CONFIG_ERR_FILE_READ: { message: 'config file cannot be read', when: 'a config file that was asked for (`--config`, the role\'s file) is missing or unreadable' },
  CONFIG_ERR_PARSE: { message: 'config file is not valid JSONC', when: 'a file is not valid JSONC, or has a duplicate or forbidden key (the source is `file:line:col`)' },
  CONFIG_ERR_ENV_UNSET: { message: 'environment variable is not set', when: '`${NAME}` without a `:-default`, and `NAME` is not set' },
  CONFIG_ERR_SUBSTITUTION: { message: 'substitution is malformed', when: 'a malformed `${...}`, a `$macros` block that is not an object, an invalid macro name, an object or array macro inside a longer string, or macros that expand past 100,000 values' },
  CONFIG_ERR_MACRO_UNKNOWN: { message: 'macro is not defined', when: '`${@name}` names no macro of the file' },
  CONFIG_ERR_MACRO_CYCLE: { message: 'macros refer to each other in a cycle', when: 'a macro refers, through others, to itself' },
  CONFIG_ERR_UNKNOWN_ENV: { message: 'environment variable names no setting', when: 'a `TESSERA_*` environment variable names no setting' },
  CONFIG_ERR_UNKNOWN_FLAG: { message: 'command-line argument is not a known flag', when: 'an unknown flag, a flag without its value, or a stray argument' },
  CONFIG_ERR_INVALID: { message: 'configuration does not match the schema', when: 'a value does not match the schema (type, range, pattern, unknown or missing key), or settings disagree with each other (`rpc.secret` missing for a cluster role, `store.claimRenewMs` not below `store.claimTtlMs`, …; config/README.md lists them)' },
};

/** One thing wrong with the configuration, and where it came from. */
export interface ConfigProblem {
  /** Stable code from {@link CONFIG_ERRORS}. */
  readonly code: ConfigErrorCode;
  /**
   * Where the offending value came from: a file (`config/gate.jsonc`, with `:line:col` for syntax
   * errors), `defaults`, `env TESSERA_LOG__LEVEL`, `flag --log.level`, `argv` for stray arguments,
   * or `merged config` for a required key that no layer set.
   */
  readonly source: string;
  /** The key path, e.g. `store.mongodb.url` or `etcd.hosts[1]`; empty when the problem is not about one key. */
  readonly path: string;
  /** What is wrong, e.g. `expected an integer from 0 to 65535, got "http"`. */
  readonly message: string;
}

/** Formats a problem as one line: `source: path: message` (the path is left out when empty). */
export function formatProblem(problem: ConfigProblem): string {
  return problem.path
    ? `${problem.source}: ${problem.path}: ${problem.message}`
    : `${problem.source}: ${problem.message}`;
}

/** Thrown once by {@link loadConfig} with every problem found, so that one start-up shows them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Every problem, in the order found. */
  readonly problems: readonly ConfigProblem[];

  /** @param problems at least one problem; the message lists them all, one per line. */
  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid configuration (${count}):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.problems = Object.freeze([...problems]);
  }
}
