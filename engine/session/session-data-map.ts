/**
 * One session's small key/value map, as the gate keeps it and as it crosses to a lobby in the
 * bind: keys are short names, values msgpack bytes that the gate never decodes. The gate holds
 * it for as long as the session lives, so a lobby that binds the session after a rebind sees
 * what the last one stored. Gate and lobby enforce the same caps ({@link SESSION_DATA_LIMITS}).
 */

/** Caps on one session's data. */
export const SESSION_DATA_LIMITS = Object.freeze({
  /** Keys at most. */
  maxKeys: 32,
  /** Bytes at most: every key's length plus every value's encoded length. */
  maxBytes: 4_096,
});

/** What a key may look like: 1 to 64 of A-Z, a-z, 0-9, `_`, `.`, `:` and `-`. */
export const SESSION_DATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

// Decoders refuse maps with these keys (style rule 13), so a bind carrying one would fail.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A session's data as it crosses in the bind: key → msgpack bytes of the value. */
export type SessionDataRecord = Record<string, Uint8Array>;

/** A bounded map of key → encoded value. */
export class SessionDataMap {
  private readonly entries = new Map<string, Uint8Array>();
  private used = 0;

  /**
   * The map a bind carries.
   * @throws RangeError when `record` is not an object of keys to bytes within the caps.
   */
  static fromRecord(record: unknown): SessionDataMap {
    const map = new SessionDataMap();
    if (record === undefined) return map;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new RangeError('session data: not a map of keys to bytes');
    for (const [key, value] of Object.entries(record)) map.set(key, value as Uint8Array);
    return map;
  }

  /** Keys held. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held: keys plus encoded values. */
  get byteLength(): number {
    return this.used;
  }

  /** The bytes of `key`'s value, if it is set. */
  get(key: string): Uint8Array | undefined {
    return this.entries.get(key);
  }

  /** Every key, in the order they were first set. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Sets `key` to `value` (msgpack bytes of the value).
   * @throws RangeError for a key of another shape, a value that is not bytes, or past
   *   {@link SESSION_DATA_LIMITS}; the map is then unchanged.
   */
  set(key: string, value: Uint8Array): void {
    checkKey(key);
    if (!(value instanceof Uint8Array)) throw new RangeError(`session data: the value of ${key} is not bytes`);
    const previous = this.entries.get(key);
    const keys = this.entries.size + (previous ? 0 : 1);
    const used = this.used - (previous ? key.length + previous.byteLength : 0) + key.length + value.byteLength;
    if (keys > SESSION_DATA_LIMITS.maxKeys) throw new RangeError(`session data: ${key} would be key ${keys}, cap ${SESSION_DATA_LIMITS.maxKeys}`);
    if (used > SESSION_DATA_LIMITS.maxBytes) throw new RangeError(`session data: ${key} would make ${used} bytes, cap ${SESSION_DATA_LIMITS.maxBytes}`);
    this.entries.set(key, value);
    this.used = used;
  }

  /**
   * Removes `key`.
   * @returns whether it was set.
   */
  delete(key: string): boolean {
    const previous = this.entries.get(key);
    if (!previous) return false;
    this.entries.delete(key);
    this.used -= key.length + previous.byteLength;
    return true;
  }

  /** The map as a bind carries it. */
  toRecord(): SessionDataRecord {
    return Object.fromEntries(this.entries);
  }
}

function checkKey(key: unknown): void {
  if (typeof key !== 'string' || !SESSION_DATA_KEY.test(key) || FORBIDDEN_KEYS.has(key)) {
    throw new RangeError(`session data: key ${typeof key === 'string' ? JSON.stringify(key.slice(0, 80)) : typeof key} is not 1 to 64 of A-Z, a-z, 0-9, _ . : -`);
  }
}
