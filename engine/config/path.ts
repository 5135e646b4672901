/**
 * Key paths as they appear in config error messages: `store.mongodb.url`, `etcd.hosts[1]`, and
 * `limits["a.b"]` for a record key that is not a plain name.
 */

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * Keys that would reach `Object.prototype` through plain assignment (`__proto__`) or that shadow
 * its members; rejected wherever a key comes from outside.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` must be rejected when it comes from a file, an environment variable or a flag. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/**
 * Appends an object key or an array index to a path.
 * @param parent the path so far; `''` for the root.
 * @param key an object key (quoted in brackets unless it is a plain name) or an array index.
 */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Joins a list of object keys into a path: `['log', 'file', 'dir']` → `log.file.dir`. */
export function pathOf(keys: readonly string[]): string {
  return keys.reduce<string>(joinPath, '');
}

/** Whether `path` is `ancestor` itself or lies below it (`log.file.dir` is within `log` and `log.file`). */
export function isWithinPath(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  if (!path.startsWith(ancestor)) return false;
  const next = path.charAt(ancestor.length);
  return next === '' || next === '.' || next === '[';
}
