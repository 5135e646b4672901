/** Records keyed by names from scenarios (routes, codes, checks), safe for any name. */

/**
 * Sets `record[key]` as an own, enumerable property, even for the key `__proto__`, which plain
 * assignment would take as the prototype.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
