/**
 * Payload compression for the client<->gate protocol: the {@link Compression} interface, the
 * wire format its implementations share, and {@link maybeCompress}. This file imports nothing
 * from Node, so the client SDK can bundle it for browsers; the implementations are
 * compression-zlib.ts (node:zlib, the gate) and compression-js.ts (pure JS, browsers).
 *
 * Format `deflate-raw`: the uncompressed length as an unsigned LEB128 varint (varint.ts), then
 * one raw DEFLATE stream (RFC 1951, no zlib or gzip wrapper) that inflates to exactly that many
 * bytes, with nothing after it. The length comes first so that a decoder rejects an oversized
 * payload at the first bytes that reveal it, before inflating anything (STYLE rule 13), and so
 * that a JS decoder allocates its output once instead of growing it (17x faster at 200 B).
 *
 * Why DEFLATE, level 1, threshold 1 KiB (bench/compression.bench.ts; CPU time on a shared 2-core
 * machine; msgpack snapshot, chat and inventory payloads):
 *   - Ratio (compressed / original) is the best of the fast codecs at the sizes games send:
 *     0.77 at 200 B, 0.47 at 1 KiB, 0.36 at 4 KiB, 0.32 at 16 KiB, against 0.87 / 0.58 / 0.47 /
 *     0.43 for LZ4 and 0.89 / 0.58 / 0.45 / 0.40 for Snappy: repeated map keys and item names are
 *     what all of them remove, and DEFLATE's Huffman stage also squeezes the float64 positions
 *     and small integers, which byte-matching codecs leave as they are. Brotli at quality 1 is
 *     worse below 4 KiB (0.90 at 200 B, 0.52 at 1 KiB) and only level with DEFLATE above it;
 *     quality 4 matches DEFLATE level 6.
 *   - Level 6 saves 3-6 points more than level 1 for 2.6-4x the CPU from 4 KiB up: not worth it.
 *   - Cost on the gate: a node:zlib call costs 12-13 µs of CPU at a few hundred bytes, mostly a
 *     fixed cost (the zlib stream object and its state), 15 µs at 1 KiB, 25 µs at 4 KiB, 108 µs
 *     at 16 KiB. At 100k messages/s on 2 cores (20 µs of CPU per message for everything) only the
 *     minority of large messages can afford it. For that fixed cost a call saves ~55 bytes at
 *     200 B and ~240 bytes at 512 B, where the message fits one TCP segment either way; at 1 KiB
 *     it saves over half (~565 bytes) for 15 µs. Hence {@link DEFAULT_COMPRESS_THRESHOLD}.
 *     LZ4 (lz4-napi) costs 2-8x less per call but leaves a third more bytes from 4 KiB up, needs
 *     a native addon on the gate, and its JS decoder, lz4js, is at 0.2.0 with no types and far
 *     less used (1M downloads a month against fflate's 117M).
 *   - Browsers: fflate is a well-kept, typed, dependency-free 8 kB pure-JS DEFLATE that inflates
 *     these payloads at 60-220 MB/s; browsers can also inflate `deflate-raw` natively
 *     (DecompressionStream), as can every language's zlib. Brotli's JS decoder ran at under
 *     1 MB/s at 200 B and 65 MB/s at 64 KiB.
 */
import { ProtocolError } from './errors.js';
import { readVarint, varintSize, writeVarint } from './varint.js';

/** The algorithms a server hello can name. One for now; a new one is a new name, never a change to this one. */
export const COMPRESSION = {
  /** Varint uncompressed length, then raw DEFLATE (see the file header). */
  DEFLATE_RAW: 'deflate-raw',
} as const;

/** One of the values of {@link COMPRESSION}. */
export type CompressionName = (typeof COMPRESSION)[keyof typeof COMPRESSION];

/**
 * Payloads below this many bytes are sent as they are (default of `compressThreshold`): below it
 * a compression costs about as much CPU as the rest of the message's trip through the gate, for
 * little saved (see the file header).
 */
export const DEFAULT_COMPRESS_THRESHOLD = 1024;

/** A payload compression algorithm; each implementation of one name reads the others' output. */
export interface Compression {
  /** The name the server hello carries, one of {@link COMPRESSION}. */
  readonly name: string;
  /**
   * Compresses one payload. The result may be larger than the input (incompressible bytes):
   * use {@link maybeCompress} to send it only when it pays.
   */
  compress(input: Uint8Array): Uint8Array;
  /**
   * Inflates one payload compressed by any implementation of the same name.
   * @param maxOutputBytes the most bytes the payload may inflate to; enforced before and while
   *   inflating, so a decompression bomb costs no more than this much memory.
   * @throws ProtocolError PROTOCOL_ERR_INFLATED_TOO_LARGE when the payload declares more than
   *   `maxOutputBytes`; PROTOCOL_ERR_DECOMPRESS when it is corrupt, truncated, or inflates to
   *   other than the length it declares.
   * @throws RangeError when `maxOutputBytes` is not a non-negative integer (a programmer error).
   */
  decompress(input: Uint8Array, maxOutputBytes: number): Uint8Array;
}

/**
 * Compresses `payload` if that pays.
 * @param threshold payloads shorter than this are not compressed at all (see {@link DEFAULT_COMPRESS_THRESHOLD}).
 * @returns the compressed bytes when `payload` is at least `threshold` bytes long and they are
 *   smaller than it; otherwise `undefined`, and the caller sends `payload` as it is.
 */
export function maybeCompress(c: Compression, payload: Uint8Array, threshold: number): Uint8Array | undefined {
  if (payload.length < threshold) return undefined;
  const compressed = c.compress(payload);
  return compressed.length < payload.length ? compressed : undefined;
}

// ---------------------------------------------------------------------------------------------
// The length header, shared by the implementations
// ---------------------------------------------------------------------------------------------

/**
 * Prefixes a raw DEFLATE `body` with the varint length of the payload it inflates to.
 * @param length the uncompressed length, an integer in 0..2^32-1.
 */
export function withLengthHeader(length: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintSize(length) + body.length);
  out.set(body, writeVarint(out, 0, length));
  return out;
}

/**
 * Reads the length header of a compressed payload and checks it against the cap, before any
 * inflating.
 * @returns the declared length and the raw DEFLATE body after the header.
 * @throws ProtocolError PROTOCOL_ERR_DECOMPRESS when the header is missing or malformed, or no
 *   body follows it; PROTOCOL_ERR_INFLATED_TOO_LARGE when it declares more than `maxOutputBytes`.
 * @throws RangeError when `maxOutputBytes` is not a non-negative integer.
 */
export function readLengthHeader(input: Uint8Array, maxOutputBytes: number): { length: number; body: Uint8Array } {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) throw new RangeError(`maxOutputBytes ${maxOutputBytes} must be a non-negative integer`);
  const header = readVarint(input, 0);
  if (!header) throw new ProtocolError('PROTOCOL_ERR_DECOMPRESS', input.length === 0 ? 'empty compressed payload' : 'malformed length header');
  if (header.value > maxOutputBytes) {
    throw new ProtocolError('PROTOCOL_ERR_INFLATED_TOO_LARGE', `declares ${header.value} bytes > ${maxOutputBytes}`);
  }
  // Even an empty payload has a DEFLATE stream (one final block); no body is a cut-short payload.
  if (header.next === input.length) throw new ProtocolError('PROTOCOL_ERR_DECOMPRESS', 'no DEFLATE stream after the length header');
  return { length: header.value, body: input.subarray(header.next) };
}

/**
 * The error for a stream that inflates to other than its declared length.
 * @param actual what it inflated to, or `undefined` when inflating was stopped past the declared length.
 */
export function lengthMismatch(declared: number, actual: number | undefined): ProtocolError {
  return new ProtocolError(
    'PROTOCOL_ERR_DECOMPRESS',
    actual === undefined ? `inflates past its declared ${declared} bytes` : `inflates to ${actual} bytes, declared ${declared}`,
  );
}
