/**
 * A growable byte buffer for building sync records and messages: varints up to 2^53, zigzag
 * integers, little-endian floats, UTF-8 strings. No Node-only APIs.
 */

const utf8 = new TextEncoder();

/** The zigzag form of a safe integer: 0, -1, 1, -2 … become 0, 1, 2, 3 … */
export function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** Appends bytes to a buffer that doubles as it fills. */
export class ByteWriter {
  /** The bytes written are `bytes.subarray(0, length)`; the array is replaced as it grows. */
  bytes: Uint8Array;
  length = 0;
  private view: DataView;

  /** @param capacity initial size in bytes (default 1,024). */
  constructor(capacity = 1_024) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Forgets what was written, keeping the memory. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `more` bytes. */
  ensure(more: number): void {
    const need = this.length + more;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  /** One byte. */
  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** An unsigned varint (an integer in 0..2^53-1). */
  varint(value: number): void {
    this.ensure(8);
    const b = this.bytes;
    let at = this.length;
    while (value >= 0x80) {
      b[at++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    b[at++] = value;
    this.length = at;
  }

  /** A signed safe integer as a zigzag varint (magnitude at most 2^52). */
  zigzag(n: number): void {
    this.varint(zigzag(n));
  }

  /** A float32, little-endian. */
  f32(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  /** A float64, little-endian. */
  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** A varint byte length, then the UTF-8 of `text`. */
  string(text: string): void {
    // ASCII, the common case, is one byte a character.
    let ascii = text.length < 128;
    for (let i = 0; ascii && i < text.length; i++) ascii = text.charCodeAt(i) < 0x80;
    if (ascii) {
      this.ensure(1 + text.length);
      const b = this.bytes;
      b[this.length++] = text.length;
      for (let i = 0; i < text.length; i++) b[this.length++] = text.charCodeAt(i);
      return;
    }
    const encoded = utf8.encode(text);
    this.varint(encoded.length);
    this.raw(encoded);
  }

  /** Bytes as they are. */
  raw(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const n = end - start;
    this.ensure(n);
    if (n < 32) {
      const b = this.bytes;
      let at = this.length;
      for (let i = start; i < end; i++) b[at++] = bytes[i]!;
    } else this.bytes.set(bytes.subarray(start, end), this.length);
    this.length += n;
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}
