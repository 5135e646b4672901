/**
 * The config-file layer: read a JSONC file, then expand its `${ENV}` references and macros.
 */

import { readFileSync } from 'node:fs';
import { CONFIG_ERRORS, type ConfigProblem } from './errors.js';
import { parseJsonc } from './jsonc.js';
import { describeValue, isPlainObject } from './schema.js';
import { substitute } from './substitute.js';

/** What {@link readFileLayer} produced. */
export interface FileLayerResult {
  /** The expanded settings; `undefined` when the file was skipped or broken. */
  readonly value: Record<string, unknown> | undefined;
  /** Read, parse and substitution problems; there may be some even when `value` is set. */
  readonly problems: ConfigProblem[];
}

/**
 * Reads, parses and expands one config file. Does not throw.
 * @param path the file; also the problem source, so pass it as the user should see it.
 * @param required when false, a missing file is skipped silently; any other read error is a problem.
 * @param env environment variables for `${NAME}` substitution.
 */
export function readFileLayer(
  path: string,
  required: boolean,
  env: Readonly<Record<string, string | undefined>>,
): FileLayerResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return { value: undefined, problems: [] };
    const message =
      code === 'ENOENT' ? 'config file not found' : `cannot read the config file: ${(err as Error).message}`;
    return { value: undefined, problems: [{ code: CONFIG_ERRORS.FILE_READ, source: path, path: '', message }] };
  }

  const parsed = parseJsonc(text, path);
  if (parsed.problems.length) return { value: undefined, problems: parsed.problems };

  const { value, problems } = substitute(parsed.value, { file: path, env });
  if (!isPlainObject(value)) {
    const message = `expected an object at the top level, got ${describeValue(value)}`;
    problems.push({ code: CONFIG_ERRORS.INVALID, source: path, path: '', message });
    return { value: undefined, problems };
  }
  return { value, problems };
}
