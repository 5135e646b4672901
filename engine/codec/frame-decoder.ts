/**
 * Splits a byte stream into length-prefixed frames: a 4-byte big-endian payload length, then the
 * payload. Correct for any split of the stream into chunks. The declared length is checked
 * against the cap as soon as its 4 bytes are in; a frame that spans chunks is kept as the chunks
 * that arrived and joined only once complete, so memory follows the bytes a peer actually sent,
 * never what it declared. An incomplete frame is not an error, it waits for more bytes.
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
  /** Length of the frame being assembled across chunks; -1 while reading a header. */
  private partialLength = -1;
  /** Its pieces so far, and their total size. */
  private parts: Uint8Array[] = [];
  private partialFill = 0;

  /**
   * @param maxFrameBytes largest payload accepted; may be changed between chunks (a connection
   *   allows small frames only until its handshake is done).
   */
  constructor(public maxFrameBytes: number) {}

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
      if (this.partialLength >= 0) {
        const take = Math.min(this.partialLength - this.partialFill, end - pos);
        this.parts.push(chunk.subarray(pos, pos + take));
        this.partialFill += take;
        pos += take;
        if (this.partialFill < this.partialLength) return;
        const frame = joinParts(this.parts, this.partialLength);
        this.partialLength = -1;
        this.parts = [];
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
        this.partialLength = length;
      }
    }
  }
}

function joinParts(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const frame = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    frame.set(part, at);
    at += part.length;
  }
  return frame;
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
