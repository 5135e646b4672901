/**
 * The `deflate-raw` compression (format and choice: compression.ts) in pure JavaScript on fflate,
 * for the client SDK in browsers; it imports nothing from Node. It reads what
 * compression-zlib.ts writes and the other way round (compression.test.ts checks both).
 *
 * Bounds: the declared length is checked against the cap before inflating, and the output buffer
 * is allocated once at that length plus one byte, so memory never passes the cap. fflate, handed
 * a fixed buffer, drops what does not fit rather than stopping, so a stream that lies about its
 * length is found at its end: its CPU is bounded by the input's size (DEFLATE expands at most
 * 1032:1), not by the cap. That suits a client decoding what its own gate sends; the gate, which
 * decodes untrusted input, uses compression-zlib.ts, which stops at the cap. For the same reason
 * this decoder does not see bytes after the end of the DEFLATE stream, which the gate rejects.
 */
import { deflateSync, inflateSync } from 'fflate';
import { COMPRESSION, lengthMismatch, readLengthHeader, withLengthHeader, type Compression } from './compression.js';
import { ProtocolError } from './errors.js';

/** `deflate-raw` in pure JS (fflate). Stateless: one instance serves every connection. */
export class JsDeflateCompression implements Compression {
  readonly name = COMPRESSION.DEFLATE_RAW;

  /**
   * Compresses one payload (see {@link Compression.compress}) at level 1, like the gate. fflate
   * compresses 2-4x slower than node:zlib, which a client sending its own few messages can afford.
   */
  compress(input: Uint8Array): Uint8Array {
    return withLengthHeader(input.length, deflateSync(input, { level: 1 }));
  }

  /** Inflates one payload (see {@link Compression.decompress} and the bounds in the file header). */
  decompress(input: Uint8Array, maxOutputBytes: number): Uint8Array {
    const { length, body } = readLengthHeader(input, maxOutputBytes);
    // The spare byte is how an overlong stream shows: fflate fills it instead of failing.
    const out = new Uint8Array(length + 1);
    let inflated: Uint8Array;
    try {
      inflated = inflateSync(body, { out });
    } catch (err) {
      // fflate throws only for bad input (its codes: unexpected EOF, invalid block type, invalid
      // length/literal, invalid distance), and a RangeError when a stored block overruns `out`.
      if (err instanceof RangeError) throw lengthMismatch(length, undefined);
      throw new ProtocolError('PROTOCOL_ERR_DECOMPRESS', (err as Error).message, { cause: err });
    }
    if (inflated.length > length) throw lengthMismatch(length, undefined);
    if (inflated.length < length) throw lengthMismatch(length, inflated.length);
    return out.subarray(0, length);
  }
}

/**
 * The browser implementation of the compression a server hello names.
 * @throws RangeError for a name that is not in {@link COMPRESSION}.
 */
export function createJsCompression(name: string): Compression {
  if (name === COMPRESSION.DEFLATE_RAW) return new JsDeflateCompression();
  throw new RangeError(`unknown compression ${JSON.stringify(name)}; known: ${Object.values(COMPRESSION).join(', ')}`);
}
