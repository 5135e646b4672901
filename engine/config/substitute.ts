/**
 * Expands environment variables and macros in a parsed config file.
 *
 * Inside any string value (never in keys):
 * - `${NAME}` is the environment variable NAME; it is an error if NAME is not set.
 * - `${NAME:-fallback}` is NAME when set and not empty, else `fallback`, which may itself use
 *   `${OTHER}` and `${@macro}` (so `"${MONGO_URL:-mongodb://${@host}:27017}"` works).
 * - `$${` is a literal `${`.
 *
 * Macros are defined once in a top-level `"$macros": { "name": <any JSON value> }` block, which is
 * removed from the result. A string that is exactly `"${@name}"` becomes the macro's value with its
 * own type (object, array, number...); `${@name}` inside a longer string interpolates a string,
 * number or boolean macro. Macro values may use environment variables and other macros. Every
 * macro is expanded, used or not, so that a broken definition is reported at once.
 *
 * Every problem names the file and the key path, and all of them are collected. A value that
 * failed to expand is left out of the result, so that later validation does not report it twice.
 *
 * A macro's value is shared by all its uses, so macros that use other macros many times could
 * describe a tree far larger than the file (ten macros of ten uses each: ten billion values),
 * which merging and validation would then walk. The expanded tree is counted as it is built, each
 * use of a macro at its full size, and expansion stops at {@link MAX_EXPANDED_VALUES}.
 */

import { CONFIG_ERRORS, type ConfigErrorCode, type ConfigProblem } from './errors.js';
import { joinPath } from './path.js';
import { describeValue, isPlainObject } from './schema.js';
import { parseTemplate, type TemplatePart } from './template.js';

/** The top-level key of the macro block. */
export const MACROS_KEY = '$macros';

const MACRO_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The most values (scalars, arrays and objects) a file may expand to, macros counted at every use. */
export const MAX_EXPANDED_VALUES = 100_000;
const FAILED = Symbol('failed');

/** Where a value comes from and what it may refer to. */
export interface SubstituteOptions {
  /** The file name for problem sources, e.g. `config/gate.jsonc`. */
  readonly file: string;
  /** Environment variables for `${NAME}`. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** {@link substitute}'s outcome: the expanded value (without `$macros`) and every problem found. */
export interface SubstituteResult {
  /** The expanded copy; values that failed to expand are left out. */
  readonly value: unknown;
  /** Every problem, each naming the file and key path. */
  readonly problems: ConfigProblem[];
}

/**
 * Expands `${NAME}`, `${NAME:-fallback}`, `$${` and `${@macro}` throughout `root` (see the file
 * comment for the syntax) and removes the top-level `$macros` block. Does not modify `root` and
 * does not throw.
 */
export function substitute(root: unknown, options: SubstituteOptions): SubstituteResult {
  const { file, env } = options;
  const problems: ConfigProblem[] = [];
  const report = (code: ConfigErrorCode, path: string, message: string) =>
    problems.push({ code, source: file, path, message });

  let definitions: Record<string, unknown> = {};
  let body = root;
  if (isPlainObject(root) && Object.hasOwn(root, MACROS_KEY)) {
    const { [MACROS_KEY]: block, ...rest } = root;
    body = rest;
    if (isPlainObject(block)) definitions = block;
    else report(CONFIG_ERRORS.SUBSTITUTION, MACROS_KEY, `expected an object of macros, got ${describeValue(block)}`);
  }

  const expanded = new Map<string, unknown>();
  const sizes = new Map<string, number>(); // values in each expanded macro
  const expanding: string[] = [];
  let failedStrings = 0; // strings that could not be expanded, reported or not
  let values = 0; // values expanded so far, each use of a macro counted at its size
  let overflowed = false;

  function macro(name: string, path: string): unknown {
    if (expanded.has(name)) {
      values += sizes.get(name)!;
      return expanded.get(name);
    }
    if (!Object.hasOwn(definitions, name)) {
      const known = Object.keys(definitions);
      const hint = known.length ? `; defined: ${known.map((n) => `@${n}`).join(', ')}` : '; the file has no "$macros"';
      report(CONFIG_ERRORS.MACRO_UNKNOWN, path, `unknown macro "@${name}"${hint}`);
      return FAILED;
    }
    if (expanding.includes(name)) {
      const cycle = [...expanding.slice(expanding.indexOf(name)), name].map((n) => `@${n}`).join(' -> ');
      report(CONFIG_ERRORS.MACRO_CYCLE, path, `macro cycle: ${cycle}`);
      return FAILED;
    }
    expanding.push(name);
    const before = failedStrings;
    const valuesBefore = values;
    const walked = walk(definitions[name], joinPath(MACROS_KEY, name));
    expanding.pop();
    // A macro with any failure inside is unusable as a whole; its users fail without reporting
    // it again (an object macro with a key left out would only cause confusing follow-on errors).
    const value = failedStrings > before ? FAILED : walked;
    expanded.set(name, value);
    sizes.set(name, values - valuesBefore);
    return value;
  }

  function walk(value: unknown, path: string): unknown {
    if (values > MAX_EXPANDED_VALUES) {
      // Reported once, where the count first went past the cap; everything after it fails.
      if (!overflowed) report(CONFIG_ERRORS.SUBSTITUTION, path, `the file expands to more than ${MAX_EXPANDED_VALUES} values; macros used inside macros multiply`);
      overflowed = true;
      failedStrings++;
      return FAILED;
    }
    // A string that is exactly one macro counts as the macro's values, not as one more.
    if (typeof value !== 'string' || !value.startsWith('${@')) values++;
    if (typeof value === 'string') return expandString(value, path);
    if (Array.isArray(value)) {
      return value.map((v, i) => walk(v, joinPath(path, i))).filter((v) => v !== FAILED);
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const expandedValue = walk(v, joinPath(path, key));
        if (expandedValue !== FAILED) out[key] = expandedValue;
      }
      return out;
    }
    return value;
  }

  function expandString(input: string, path: string): unknown {
    const value = expandTemplate(input, path);
    if (value === FAILED) failedStrings++;
    return value;
  }

  function expandTemplate(input: string, path: string): unknown {
    if (!input.includes('$')) return input;
    const parsed = parseTemplate(input);
    if (!parsed.ok) {
      report(CONFIG_ERRORS.SUBSTITUTION, path, parsed.error);
      return FAILED;
    }
    const [only] = parsed.parts;
    // A string that is exactly one macro takes the macro's value with its type.
    if (parsed.parts.length === 1 && only?.kind === 'macro') return macro(only.name, path);
    return render(parsed.parts, path);
  }

  function render(parts: readonly TemplatePart[], path: string): string | typeof FAILED {
    let out = '';
    let failed = false; // keep going, to report every unset variable in the string at once
    for (const part of parts) {
      if (part.kind === 'text') {
        out += part.text;
      } else if (part.kind === 'env') {
        const value = env[part.name];
        if (part.fallback) {
          const used = value === undefined || value === '' ? render(part.fallback, path) : value;
          if (used === FAILED) failed = true;
          else out += used;
        } else if (value === undefined) {
          report(
            CONFIG_ERRORS.ENV_UNSET,
            path,
            `environment variable ${part.name} is not set (write \${${part.name}:-default} to give a default)`,
          );
          failed = true;
        } else {
          out += value;
        }
      } else {
        const value = macro(part.name, path);
        if (value === FAILED) {
          failed = true;
        } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
          out += String(value);
        } else {
          report(
            CONFIG_ERRORS.SUBSTITUTION,
            path,
            `macro "@${part.name}" is ${describeValue(value)}; ` +
              'only a string, number or boolean macro can be part of a longer string',
          );
          failed = true;
        }
      }
    }
    return failed ? FAILED : out;
  }

  for (const name of Object.keys(definitions)) {
    const path = joinPath(MACROS_KEY, name);
    if (MACRO_NAME.test(name)) macro(name, path);
    else report(CONFIG_ERRORS.SUBSTITUTION, path, 'invalid macro name; use [A-Za-z_][A-Za-z0-9_-]*');
  }
  const value = walk(body, '');
  // Past the cap nothing of the file is kept: what was kept would be arbitrary.
  return { value: overflowed ? {} : value, problems };
}
