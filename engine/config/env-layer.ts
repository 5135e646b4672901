/**
 * The environment layer: `TESSERA_<PATH>` variables override settings. `__` separates levels and
 * a single `_` separates words of a camelCase key, matched to the schema ignoring case:
 *
 * ```
 * TESSERA_LOG__LEVEL=debug                 → log.level
 * TESSERA_STORE__MONGODB__MAX_RETRIES=3    → store.mongodb.maxRetries
 * TESSERA_ETCD__HOSTS=http://a:2379,http://b:2379   → etcd.hosts (arrays are comma-separated)
 * ```
 *
 * A `TESSERA_` variable that names no setting is an error, so that a typo is not silently ignored.
 */

import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';
import { resolveKey, valueFromString } from './resolve-key.js';
import type { AnySchema } from './schema.js';

/** The prefix that marks a variable as a setting. */
export const ENV_PREFIX = 'TESSERA_';

/** One setting from the environment or the command line, ready to merge. */
export interface Assignment {
  /** The schema's keys, e.g. `['log', 'level']`. */
  readonly keys: string[];
  /** A string, or an array of strings; validation converts them. */
  readonly value: unknown;
  /** E.g. `env TESSERA_LOG__LEVEL` or `flag --log.level`. */
  readonly source: string;
}

/** Settings found in one layer, and the problems found on the way. */
export interface LayerResult {
  /** The settings, in the order to apply them (a later one wins). */
  readonly assignments: Assignment[];
  /** Names that match no setting, and malformed arguments. */
  readonly problems: ConfigProblem[];
}

/**
 * Reads every `TESSERA_*` variable in `env` as a setting of `schema`, in name order.
 * Variables without the prefix are ignored. Does not throw.
 */
export function readEnvLayer(schema: AnySchema, env: Readonly<Record<string, string | undefined>>): LayerResult {
  const assignments: Assignment[] = [];
  const problems: ConfigProblem[] = [];
  const names = Object.keys(env).filter((name) => name.startsWith(ENV_PREFIX)).sort();
  for (const name of names) {
    const text = env[name];
    if (text === undefined) continue;
    const source = `env ${name}`;
    const segments = name.slice(ENV_PREFIX.length).split('__').map(camelCase);
    if (segments.includes('')) {
      problems.push({
        code: CONFIG_ERRORS.UNKNOWN_ENV,
        source,
        path: '',
        message: `not a setting name; write levels separated by "__", e.g. ${ENV_PREFIX}LOG__LEVEL`,
      });
      continue;
    }
    const found = resolveKey(schema, segments);
    if (found.ok) assignments.push({ keys: found.keys, value: valueFromString(found.schema, text), source });
    else problems.push({ code: CONFIG_ERRORS.UNKNOWN_ENV, source, path: found.path, message: found.message });
  }
  return { assignments, problems };
}

// MAX_RETRIES → maxRetries. Object keys are matched ignoring case anyway; this spelling matters
// only below a record, whose keys are taken as written.
function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
