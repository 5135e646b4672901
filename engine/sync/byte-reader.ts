/**
 * Reads what {@link ByteWriter} writes, from bytes that came from outside: every read checks the
 * bytes left first and throws a coded {@link SyncError}. No Node-only APIs.
 */
import { SyncError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A cursor over one message. */
export class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  get left(): number {
    return this.bytes.length - this.offset;
  }

  /** @throws SyncError SYNC_ERR_TRUNCATED when fewer than `n` bytes are left. */
  need(n: number, what: string): void {
    if (n > this.left) throw new SyncError('SYNC_ERR_TRUNCATED', `${what} needs ${n} byte(s) at offset ${this.offset}, ${this.left} left`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  /** @throws SyncError SYNC_ERR_BAD_VARINT past 8 bytes or 2^53-1; SYNC_ERR_TRUNCATED when cut short. */
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.u8(what);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      scale *= 128;
    }
    throw new SyncError('SYNC_ERR_BAD_VARINT', `${what} at offset ${this.offset}`);
  }

  /** A zigzag varint as a signed integer. */
  zigzag(what: string): number {
    const z = this.varint(what);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /**
   * A count of items that take at least `minBytes` each: checked against the bytes left before
   * the caller allocates anything for them.
   */
  count(what: string, minBytes = 1): number {
    const n = this.varint(what);
    if (n * minBytes > this.left) throw new SyncError('SYNC_ERR_TRUNCATED', `${what}: ${n} item(s) cannot fit in the ${this.left} byte(s) left at offset ${this.offset}`);
    return n;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** @throws SyncError SYNC_ERR_BAD_VALUE for bytes that are not UTF-8. */
  string(what: string): string {
    const n = this.varint(what);
    this.need(n, what);
    const start = this.offset;
    this.offset += n;
    try {
      return utf8.decode(this.bytes.subarray(start, start + n));
    } catch {
      throw new SyncError('SYNC_ERR_BAD_VALUE', `${what} at offset ${start} is not UTF-8`);
    }
  }
}
