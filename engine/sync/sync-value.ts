/**
 * Plain synced values (fields that are not hot and not quantised) on the wire: a tag byte, then
 * the value (docs/sync.md, "Values"). Values go as JSON would see them, except that NaN and
 * ±Infinity survive as floats: undefined, functions, symbols and bigints become null, other
 * objects their own enumerable fields, and nesting past the limit null.
 */
import type { ByteReader } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { SyncError } from './errors.js';
import { SYNC_FORBIDDEN_KEYS, SYNC_MAX_DEPTH, SYNC_TAG } from './sync-wire.js';

/** Writes `value`, tagged. */
export function writeValue(w: ByteWriter, value: unknown, depth = 0): void {
  switch (typeof value) {
    case 'boolean':
      w.u8(value ? SYNC_TAG.TRUE : SYNC_TAG.FALSE);
      return;
    case 'number':
      // Integers below 2^52 in magnitude zigzag into a varint; larger ones are exact as floats.
      if (Number.isInteger(value) && Math.abs(value) < 2 ** 52 && !Object.is(value, -0)) {
        w.u8(SYNC_TAG.INT);
        w.zigzag(value);
      } else {
        w.u8(SYNC_TAG.FLOAT);
        w.f64(value);
      }
      return;
    case 'string':
      w.u8(SYNC_TAG.STRING);
      w.string(value);
      return;
    case 'object':
      if (value === null || depth >= SYNC_MAX_DEPTH) break;
      if (Array.isArray(value)) {
        w.u8(SYNC_TAG.ARRAY);
        w.varint(value.length);
        for (const item of value) writeValue(w, item, depth + 1);
        return;
      }
      {
        const keys = Object.keys(value).filter((k) => !SYNC_FORBIDDEN_KEYS.has(k));
        w.u8(SYNC_TAG.MAP);
        w.varint(keys.length);
        for (const k of keys) {
          w.string(k);
          writeValue(w, (value as Record<string, unknown>)[k], depth + 1);
        }
      }
      return;
  }
  w.u8(SYNC_TAG.NULL);
}

/**
 * Reads one tagged value.
 * @throws SyncError SYNC_ERR_BAD_VALUE for an unknown tag, a forbidden map key or text that is not UTF-8; SYNC_ERR_TOO_DEEP past the nesting limit;
 *   SYNC_ERR_TRUNCATED when the bytes end early.
 */
export function readValue(r: ByteReader, what: string, depth = 0): unknown {
  const at = r.offset;
  const tag = r.u8(what);
  switch (tag) {
    case SYNC_TAG.NULL:
      return null;
    case SYNC_TAG.FALSE:
      return false;
    case SYNC_TAG.TRUE:
      return true;
    case SYNC_TAG.INT:
      // A varint is at most 2^53-1, so its zigzag value is a safe integer.
      return r.zigzag(what);
    case SYNC_TAG.FLOAT:
      return r.f64(what);
    case SYNC_TAG.STRING:
      return r.string(what);
    case SYNC_TAG.ARRAY:
    case SYNC_TAG.MAP: {
      if (depth >= SYNC_MAX_DEPTH) throw new SyncError('SYNC_ERR_TOO_DEEP', `${what} at offset ${at}: deeper than ${SYNC_MAX_DEPTH}`);
      if (tag === SYNC_TAG.ARRAY) {
        const n = r.count(what);
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) out[i] = readValue(r, what, depth + 1);
        return out;
      }
      const n = r.count(what, 2);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = r.string(what);
        if (SYNC_FORBIDDEN_KEYS.has(key)) throw new SyncError('SYNC_ERR_BAD_VALUE', `${what} at offset ${at}: map key ${JSON.stringify(key)} is not allowed`);
        out[key] = readValue(r, what, depth + 1);
      }
      return out;
    }
    default:
      throw new SyncError('SYNC_ERR_BAD_VALUE', `${what} at offset ${at}: unknown tag ${tag}`);
  }
}
