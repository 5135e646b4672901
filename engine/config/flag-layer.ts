/**
 * The command-line layer, the top one. Accepted arguments:
 *
 * ```
 * --log.level=debug   --log.level debug     a setting, by its dotted key path
 * --log.console.colors                      a boolean setting alone means true
 * --etcd.hosts=http://a:2379,http://b:2379  arrays are comma-separated
 * --role gate                               short for --server.role gate
 * --game examples/arena                     short for --lobby.game examples/arena
 * --config path/to/file.jsonc               the config file to load instead of config/<role>.jsonc
 * --                                        ends the flags; what follows is left to the application
 * ```
 *
 * Keys match the schema ignoring case, `-` and `_` (`--store.mongodb.max-retries` works). An
 * unknown flag, a stray argument or a flag without its value is an error. When a flag repeats,
 * the last one wins.
 */

import type { Assignment, LayerResult } from './env-layer.js';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';
import { resolveKey, valueFromString } from './resolve-key.js';
import type { AnySchema } from './schema.js';

/** The flags' settings, plus the file named by `--config`, if any. */
export interface FlagLayerResult extends LayerResult {
  /** The path given with `--config`, and the flag as a problem source. */
  readonly configFile?: { readonly path: string; readonly source: string };
}

/** Flags that stand for a longer key path. */
// A map, not an object: `--constructor` or `--__proto__` must not find Object.prototype's members.
const SHORT_FLAGS: ReadonlyMap<string, readonly string[]> = new Map([
  ['role', ['server', 'role']],
  ['game', ['lobby', 'game']],
]);

/**
 * Reads `argv` (the arguments after the script name) as settings of `schema`. Does not throw.
 */
export function readFlagLayer(schema: AnySchema, argv: readonly string[]): FlagLayerResult {
  const assignments: Assignment[] = [];
  const problems: ConfigProblem[] = [];
  let configFile: FlagLayerResult['configFile'];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) {
      problems.push({
        code: CONFIG_ERRORS.UNKNOWN_FLAG,
        source: 'argv',
        path: '',
        message: `unexpected argument ${JSON.stringify(arg)}; settings are given as --key.path=value`,
      });
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const source = `flag --${name}`;
    // The value is after '=' or in the next argument, unless that is another flag.
    const takeValue = (accept: (next: string) => boolean = () => true): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--') || !accept(next)) return undefined;
      i++;
      return next;
    };

    if (name === 'config') {
      const path = takeValue();
      if (path) configFile = { path, source };
      else problems.push({ code: CONFIG_ERRORS.UNKNOWN_FLAG, source, path: '', message: 'expects a file path' });
      continue;
    }

    const found = resolveKey(schema, SHORT_FLAGS.get(name) ?? name.split('.'));
    if (!found.ok) {
      takeValue(); // skip its value too, so that it is not reported again as a stray argument
      problems.push({ code: CONFIG_ERRORS.UNKNOWN_FLAG, source, path: found.path, message: found.message });
      continue;
    }
    const value =
      found.schema.kind === 'boolean'
        ? (takeValue((next) => next === 'true' || next === 'false') ?? 'true')
        : takeValue();
    if (value === undefined) {
      problems.push({
        code: CONFIG_ERRORS.UNKNOWN_FLAG,
        source,
        path: '',
        message: `expects a value: --${name}=<value> or --${name} <value>`,
      });
      continue;
    }
    assignments.push({ keys: found.keys, value: valueFromString(found.schema, value), source });
  }
  return configFile ? { assignments, problems, configFile } : { assignments, problems };
}
