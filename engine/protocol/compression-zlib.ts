/**
 * The `deflate-raw` compression (format and choice: compression.ts) on node:zlib, for the gate.
 * It decodes what untrusted clients send, so it is the strict one: inflating stops as soon as the
 * output passes the declared length (zlib's `maxOutputLength`, checked after each 16 KiB chunk),
 * and bytes after the end of the DEFLATE stream are rejected.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { COMPRESSION, lengthMismatch, readLengthHeader, withLengthHeader, type Compression } from './compression.js';
import { ProtocolError } from './errors.js';

/** Options of {@link ZlibDeflateCompression}. */
export interface ZlibDeflateOptions {
  /** zlib level 1..9 (default 1: level 6 compressed 3-6 points better for 2.6-4x the CPU). */
  level?: number;
}

/** `deflate-raw` on node:zlib's synchronous API. Stateless: one instance serves every connection. */
export class ZlibDeflateCompression implements Compression {
  readonly name = COMPRESSION.DEFLATE_RAW;
  private readonly level: number;

  /**
   * @param options see {@link ZlibDeflateOptions}.
   * @throws RangeError when the level is not an integer in 1..9.
   */
  constructor(options: ZlibDeflateOptions = {}) {
    const level = options.level ?? 1;
    if (!Number.isInteger(level) || level < 1 || level > 9) throw new RangeError(`deflate level ${level} must be 1..9`);
    this.level = level;
  }

  /** Compresses one payload (see {@link Compression.compress}). */
  compress(input: Uint8Array): Uint8Array {
    return withLengthHeader(input.length, deflateRawSync(input, { level: this.level }));
  }

  /** Inflates one payload (see {@link Compression.decompress}). */
  decompress(input: Uint8Array, maxOutputBytes: number): Uint8Array {
    const { length, body } = readLengthHeader(input, maxOutputBytes);
    let result: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // One byte over the declared length is enough to know the stream lies; zlib stops there
      // (after the chunk that passes it) instead of inflating the rest. `info` tells how much of
      // the input the stream used, to find trailing bytes.
      result = inflateRawSync(body, { maxOutputLength: length + 1, info: true }) as unknown as typeof result;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw lengthMismatch(length, undefined);
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw new ProtocolError('PROTOCOL_ERR_DECOMPRESS', (err as Error).message, { cause: err });
      }
      throw err;
    }
    if (result.buffer.length !== length) throw lengthMismatch(length, result.buffer.length);
    if (result.engine.bytesWritten !== body.length) {
      throw new ProtocolError('PROTOCOL_ERR_DECOMPRESS', `${body.length - result.engine.bytesWritten} bytes after the end of the DEFLATE stream`);
    }
    return result.buffer;
  }
}

/**
 * The gate's implementation of a compression named in its config or a server hello.
 * @throws RangeError for a name that is not in {@link COMPRESSION} (config is validated at start-up).
 */
export function createCompression(name: string): Compression {
  if (name === COMPRESSION.DEFLATE_RAW) return new ZlibDeflateCompression();
  throw new RangeError(`unknown compression ${JSON.stringify(name)}; known: ${Object.values(COMPRESSION).join(', ')}`);
}
