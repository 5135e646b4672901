/**
 * The constants of the sync wire format (docs/sync.md), shared by the server's encoder and the
 * client's decoder.
 */

/** The format version, the first byte of every message. */
export const SYNC_FORMAT_VERSION = 1;

/** Bits of a message's second byte. */
export const SYNC_FLAG = {
  /** The client's mirror starts over: space info and the schema follow the tick. */
  SNAPSHOT: 0x01,
  /** A leave section is present. */
  LEAVE: 0x02,
  /** An enter section is present. */
  ENTER: 0x04,
  /** A change section is present. */
  CHANGE: 0x08,
} as const;

/** Every flag bit a message may set. */
export const SYNC_FLAGS_KNOWN = 0x0f;

/** How a field's value is written. */
export const SYNC_KIND = {
  /** A plain value, tagged (see {@link SYNC_TAG}). */
  VALUE: 0,
  /** A quantised number: a zigzag varint of round(value / quantize); a delta in a change. */
  QUANTISED: 1,
  /** An integer (a hot i8…u32 field): a zigzag varint; a delta in a change. */
  INT: 2,
  /** A hot f32 field: 4 bytes, little-endian. */
  F32: 3,
  /** A hot f64 field: 8 bytes, little-endian. */
  F64: 4,
} as const;

/** One of {@link SYNC_KIND}. */
export type SyncKind = (typeof SYNC_KIND)[keyof typeof SYNC_KIND];

/** The bit of a schema field's kind byte that marks an owner-only field. */
export const SYNC_KIND_OWNER = 0x80;

/** The tag byte before a plain value. */
export const SYNC_TAG = {
  NULL: 0,
  FALSE: 1,
  TRUE: 2,
  /** A safe integer: zigzag varint. */
  INT: 3,
  /** A float64, little-endian. */
  FLOAT: 4,
  /** A varint byte length, then UTF-8. */
  STRING: 5,
  /** A varint count, then the values. */
  ARRAY: 6,
  /** A varint count, then key strings (no tag) and values. */
  MAP: 7,
} as const;

/** Nesting of plain values allowed (arrays and maps inside each other). */
export const SYNC_MAX_DEPTH = 32;

/** Largest magnitude of a quantised integer: deltas of two stay safe integers when zigzagged. */
export const SYNC_MAX_QUANTISED = 2 ** 50;

/** Names a decoder refuses as component, field or map keys. */
export const SYNC_FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
