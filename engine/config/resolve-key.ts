/**
 * Maps a key path typed by a person (an environment variable name, a flag) onto the schema's real
 * keys. Matching ignores case, `_` and `-`, so `MAX_RETRIES`, `max-retries` and `maxRetries` all
 * find `maxRetries`. The path must end at a single setting (a scalar or an array), never a section.
 */

import { isForbiddenKey, pathOf } from './path.js';
import type { AnySchema } from './schema.js';

/** A setting that {@link resolveKey} found: the real keys and the schema of the value there. */
export interface ResolvedKey {
  readonly ok: true;
  /** The schema's own spelling of each key, e.g. `['store', 'mongodb', 'maxRetries']`. */
  readonly keys: string[];
  /** The setting's schema, with any `optional` wrapper removed. */
  readonly schema: AnySchema;
}

/** Why {@link resolveKey} found nothing. */
export interface UnresolvedKey {
  readonly ok: false;
  /** The path as far as it could be read, for the problem's `path`. */
  readonly path: string;
  /** What is wrong, with the keys that would have been accepted. */
  readonly message: string;
}

/**
 * Finds the setting that `segments` names in `schema`.
 * @param segments the path as typed, one key per element, e.g. `['store', 'mongodb', 'max_retries']`.
 *   Keys below a `record` are taken as typed.
 */
export function resolveKey(schema: AnySchema, segments: readonly string[]): ResolvedKey | UnresolvedKey {
  const keys: string[] = [];
  let node = unwrap(schema);
  for (const segment of segments) {
    const here = pathOf(keys);
    if (node.kind === 'object') {
      const key = Object.keys(node.shape).find((k) => normalise(k) === normalise(segment));
      if (key === undefined) {
        const known = Object.keys(node.shape).join(', ');
        const message = `unknown setting; ${here || 'the top level'} has: ${known}`;
        return { ok: false, path: pathOf([...keys, segment]), message };
      }
      keys.push(key);
      node = unwrap(node.shape[key]!);
    } else if (node.kind === 'record') {
      if (isForbiddenKey(segment) || segment === '') {
        return { ok: false, path: pathOf([...keys, segment]), message: 'forbidden key' };
      }
      keys.push(segment);
      node = unwrap(node.value);
    } else {
      return { ok: false, path: pathOf([...keys, segment]), message: `${here} is a single setting; it has no keys` };
    }
  }
  if (node.kind === 'object' || node.kind === 'record') {
    const has = node.kind === 'object' ? `; set one of its keys: ${Object.keys(node.shape).join(', ')}` : '';
    return { ok: false, path: pathOf(keys), message: `is a section, not a single setting${has}` };
  }
  return { ok: true, keys, schema: node };
}

function normalise(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

function unwrap(schema: AnySchema): AnySchema {
  return schema.kind === 'optional' ? unwrap(schema.inner) : schema;
}

/**
 * Turns the string given for a setting into the value to merge: for an array setting, the
 * comma-separated items (trimmed; an empty string is an empty array); otherwise the string itself,
 * which validation converts to a number or boolean where the schema asks.
 */
export function valueFromString(schema: AnySchema, text: string): unknown {
  if (schema.kind !== 'array') return text;
  return text.trim() === '' ? [] : text.split(',').map((item) => item.trim());
}
