import type { DocumentData, FindFilter } from './store.js';

function valueAt(data: DocumentData, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Whether `data` matches every field of `filter`, as MongoDB's equality does for scalars: a field
 * that holds an array matches when one of its elements equals the value, and `null` matches a
 * missing field.
 */
export function matchesFilter(data: DocumentData, filter: FindFilter): boolean {
  for (const [path, expected] of Object.entries(filter)) {
    const actual = valueAt(data, path);
    if (expected === null) {
      if (actual !== null && actual !== undefined) return false;
    } else if (Array.isArray(actual) ? !actual.includes(expected) : actual !== expected) {
      return false;
    }
  }
  return true;
}
