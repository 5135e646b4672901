/**
 * A player's per-session key/value data as game code sees it (`player.session.data`): small
 * values that belong to this connection of the player rather than to the saved avatar (the
 * match they queued for, a party invite they are answering). The gate holding the session keeps
 * a copy, so a lobby that binds the session after a rebind (the last one left) sees the same
 * data. Bounded by SESSION_DATA_LIMITS (engine/session/session-data-map.ts): 32 keys, 4 KiB.
 */
import { decode, encode } from '../engine/codec/msgpack-codec.js';
import { SessionDataMap } from '../engine/session/session-data-map.js';

/** Tells the gate of one change: `value` null removes the key. Returns false when it could not be sent. */
export type SessionDataSink = (key: string, value: Uint8Array | null) => boolean;

/** One session's data. */
export class SessionData {
  /**
   * @param map what the session holds (from the bind).
   * @param sink tells the session's gate of each change.
   */
  constructor(
    private readonly map: SessionDataMap,
    private readonly sink: SessionDataSink,
  ) {}

  /** Keys set. */
  get size(): number {
    return this.map.size;
  }

  /** A copy of `key`'s value, or undefined when it is not set. */
  get<T = unknown>(key: string): T | undefined {
    const bytes = this.map.get(key);
    return bytes === undefined ? undefined : (decode(bytes) as T);
  }

  /** Whether `key` is set. */
  has(key: string): boolean {
    return this.map.get(key) !== undefined;
  }

  /** The raw entries, as the gate keeps them (key → msgpack bytes). */
  toRecord(): Record<string, Uint8Array> {
    return this.map.toRecord();
  }

  /** Every key set, in the order they were first set. */
  keys(): string[] {
    return this.map.keys();
  }

  /**
   * Sets `key` to a copy of `value` here and tells the gate, which keeps it for later binds. A
   * gate that cannot be reached is logged: this lobby still has the value, a later one may not.
   * @throws RangeError for a key that is not 1 to 64 of A-Z, a-z, 0-9, `_`, `.`, `:`, `-`, or
   *   past the caps (32 keys; 4,096 bytes of keys and encoded values); TypeError for `undefined`
   *   (use {@link delete}); CodecError for a value msgpack cannot carry. The data is then unchanged.
   */
  set(key: string, value: unknown): void {
    if (value === undefined) throw new TypeError(`session data: ${key} set to undefined; delete it instead`);
    const bytes = encode(value);
    this.map.set(key, bytes);
    this.sink(key, bytes);
  }

  /**
   * Removes `key` here and at the gate.
   * @returns whether it was set.
   */
  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.sink(key, null);
    return true;
  }
}
