/**
 * Splits a byte stream into length-prefixed frames: a 4-byte big-endian payload length, then the
 * payload. Correct for any split of the stream into chunks. The declared length is checked
 * against the cap as soon as its 4 bytes are in, before any memory is set aside for the payload;
 * an incomplete frame is not an error, it waits for more bytes.
 *
 * States: HEADER (collecting the 4 length bytes) → PAYLOAD (collecting `length` bytes) → HEADER.
 */
import { CodecError } from './errors.js';

/** Bytes in a frame header. */
export const FRAME_HEADER_BYTES = 4;

/** Incremental decoder for one stream of length-prefixed frames. */
export class FrameDecoder {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFill = 0;
  /** The frame being assembled across chunks, or undefined while reading a header. */
  private partial: Uint8Array | undefined;
  private partialFill = 0;

  /** @param maxFrameBytes largest payload accepted. */
  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for an unfinished frame. */
  get bufferedBytes(): number {
    return this.headerFill + this.partialFill;
  }

  /**
   * Feeds one chunk and calls `onFrame` for every frame it completes, in order. A frame that lies
   * wholly inside `chunk` is passed as a view of it (no copy); others are assembled in a buffer of
   * exactly their size.
   * @throws CodecError `CODEC_ERR_FRAME_TOO_LARGE` when a header declares more than the cap; the
   *   stream cannot be resynchronised after that and the connection must be closed.
   */
  push(chunk: Uint8Array, onFrame: (payload: Uint8Array) => void): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.partial) {
        const take = Math.min(this.partial.length - this.partialFill, end - pos);
        this.partial.set(chunk.subarray(pos, pos + take), this.partialFill);
        this.partialFill += take;
        pos += take;
        if (this.partialFill < this.partial.length) return;
        const frame = this.partial;
        this.partial = undefined;
        this.partialFill = 0;
        onFrame(frame);
        continue;
      }
      let length: number;
      if (this.headerFill === 0 && end - pos >= FRAME_HEADER_BYTES) {
        length = readLength(chunk, pos);
        pos += FRAME_HEADER_BYTES;
      } else {
        while (this.headerFill < FRAME_HEADER_BYTES && pos < end) this.header[this.headerFill++] = chunk[pos++]!;
        if (this.headerFill < FRAME_HEADER_BYTES) return;
        this.headerFill = 0;
        length = readLength(this.header, 0);
      }
      if (length > this.maxFrameBytes) {
        throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `header declares ${length} bytes > ${this.maxFrameBytes}`);
      }
      if (end - pos >= length) {
        const frame = chunk.subarray(pos, pos + length);
        pos += length;
        onFrame(frame);
      } else {
        this.partial = new Uint8Array(length);
      }
    }
  }
}

function readLength(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/** Writes a frame header for a payload of `length` bytes into `target` at `offset`. */
export function writeFrameHeader(target: Uint8Array, offset: number, length: number): void {
  target[offset] = length >>> 24;
  target[offset + 1] = (length >>> 16) & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = length & 0xff;
}
