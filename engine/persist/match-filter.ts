import type { DocumentData, FindFilter } from './store.js';

type Scalar = FindFilter[string];

// MongoDB's equality on a dotted path: a path step into an array looks into each element, and an
// array at the end matches when the value equals one of its members.
function matches(value: unknown, parts: readonly string[], expected: Scalar): boolean {
  if (parts.length === 0) {
    if (Array.isArray(value) && value.some((v) => matches(v, [], expected))) return true;
    return expected === null ? value === null || value === undefined : value === expected;
  }
  if (Array.isArray(value)) {
    return value.some((element) => typeof element === 'object' && element !== null && matches(element, parts, expected));
  }
  if (typeof value !== 'object' || value === null) return expected === null;
  const [head, ...rest] = parts;
  const next = Object.hasOwn(value, head!) ? (value as Record<string, unknown>)[head!] : undefined;
  return matches(next, rest, expected);
}

/**
 * Whether `data` matches every field of `filter` as MongoDB's equality does for scalars: arrays are
 * looked into along the path and at its end, and `null` matches a missing field or a null.
 */
export function matchesFilter(data: DocumentData, filter: FindFilter): boolean {
  for (const [path, expected] of Object.entries(filter)) {
    if (!matches(data, path.split('.'), expected)) return false;
  }
  return true;
}
