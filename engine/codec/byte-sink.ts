/**
 * A write cursor over a buffer that grows on demand: encoders write at {@link ByteSink.pos} after
 * asking {@link ByteSink.ensure} for room. Whoever owns the buffer decides how it grows (a batch
 * writer moves only the frame being written into a new chunk), so an encoder can write straight
 * into the buffer that goes to the socket.
 */

/** Called when `needed` more bytes do not fit after `sink.pos`: it must leave `sink.buf` with room for them. */
export type GrowFn = (sink: ByteSink, needed: number) => void;

/** Doubles the buffer, keeping everything written so far. */
export const growByDoubling: GrowFn = (sink, needed) => {
  const next = new Uint8Array(Math.max(sink.buf.length * 2, sink.pos + needed));
  next.set(sink.buf.subarray(0, sink.pos));
  sink.buf = next;
};

/** A buffer and the position the next byte goes to. */
export class ByteSink {
  /**
   * @param buf the first buffer to write into.
   * @param grow makes room when it runs out (default: {@link growByDoubling}).
   */
  constructor(
    public buf: Uint8Array,
    public pos = 0,
    private readonly grow: GrowFn = growByDoubling,
  ) {}

  /** Makes room for `bytes` more bytes at {@link pos}. */
  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(this, bytes);
  }

  /** Writes one byte; room must have been ensured. */
  u8(value: number): void {
    this.buf[this.pos++] = value;
  }

  /** Writes a big-endian 16-bit unsigned integer; room must have been ensured. */
  u16(value: number): void {
    const buf = this.buf;
    buf[this.pos] = value >>> 8;
    buf[this.pos + 1] = value & 0xff;
    this.pos += 2;
  }

  /** Writes a big-endian 32-bit unsigned integer; room must have been ensured. */
  u32(value: number): void {
    const buf = this.buf;
    const at = this.pos;
    buf[at] = value >>> 24;
    buf[at + 1] = (value >>> 16) & 0xff;
    buf[at + 2] = (value >>> 8) & 0xff;
    buf[at + 3] = value & 0xff;
    this.pos = at + 4;
  }
}
