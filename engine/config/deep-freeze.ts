/**
 * Freezes `value` and every object and array inside it, so that configuration cannot change after
 * start-up (in strict mode an assignment throws a TypeError).
 * @returns `value` itself, now frozen.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
