/**
 * Unsigned LEB128 varints up to 32 bits: 7 bits per byte, low bits first, the high bit set on
 * every byte but the last. Used for message ids and message lengths.
 */

/** Most bytes a 32-bit varint takes. */
export const MAX_VARINT_BYTES = 5;

/** Bytes `value` takes as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * Writes `value` (an integer in 0..2^32-1) at `offset`.
 * @returns the offset after it.
 */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    target[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  target[offset++] = value;
  return offset;
}

/**
 * Reads a varint at `offset`.
 * @returns the value and the offset after it, or `undefined` when it is cut short, longer than
 *   5 bytes or above 2^32-1 (the caller reports which message was malformed).
 */
export function readVarint(source: Uint8Array, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset >= source.length) return undefined;
    const byte = source[offset++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value > 0xffff_ffff ? undefined : { value, next: offset };
    scale *= 128;
  }
  return undefined;
}
