/**
 * msgpack with limits: {@link encode} and {@link decode} for one-off use, {@link MsgpackCodec}
 * for hot paths (it reuses one encoder and one decoder). Decoding first checks the bytes against
 * the limits (check-msgpack.ts), so a hostile input is rejected before anything is allocated for
 * it. Values: null, booleans, numbers, strings, Uint8Array, Date (timestamp extension), arrays and
 * plain objects with string or integer keys; `undefined` travels as null.
 */
import { Decoder } from '@msgpack/msgpack';
import { ByteSink } from './byte-sink.js';
import { MsgpackChecker } from './check-msgpack.js';
import { CodecError } from './errors.js';
import { DEFAULT_CODEC_LIMITS, type CodecLimits } from './limits.js';
import { MsgpackWriter } from './msgpack-writer.js';

/** A reusable encoder and decoder bound to one set of limits. Not reentrant across awaits. */
export class MsgpackCodec {
  readonly limits: Readonly<CodecLimits>;
  private readonly writer: MsgpackWriter;
  private readonly sink = new ByteSink(new Uint8Array(4096));
  private readonly decoder = new Decoder();
  private readonly checker: MsgpackChecker;

  /** @param limits caps for both directions; defaults to {@link DEFAULT_CODEC_LIMITS}. */
  constructor(limits: Partial<CodecLimits> = {}) {
    this.limits = Object.freeze({ ...DEFAULT_CODEC_LIMITS, ...limits });
    this.writer = new MsgpackWriter(this.limits);
    this.checker = new MsgpackChecker(this.limits);
  }

  /**
   * Encodes a value into the codec's own buffer. The result is only valid until the next call:
   * copy it (or write it out) before encoding again. What comes out is held to the same limits as
   * what comes in, checked as it is written (msgpack-writer.ts) rather than walked afterwards, so
   * a value this side sends is one the other side accepts.
   * @throws CodecError `CODEC_ERR_UNENCODABLE` for values msgpack cannot carry (functions,
   *   symbols, bigints, cycles) or that break a limit (nesting, lengths, forbidden keys such as
   *   an own `__proto__`), `CODEC_ERR_FRAME_TOO_LARGE` past `maxFrameBytes`.
   */
  encodeShared(value: unknown): Uint8Array {
    const sink = this.sink;
    sink.pos = 0;
    this.writer.write(sink, value);
    if (sink.pos > this.limits.maxFrameBytes) {
      throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `encoded ${sink.pos} bytes > ${this.limits.maxFrameBytes}`);
    }
    // A plain view, not a Buffer: `slice` copies it, and what decodes from it is plain too.
    return new Uint8Array(sink.buf.buffer, sink.buf.byteOffset, sink.pos);
  }

  /** Like {@link encodeShared}, returning a copy the caller owns. */
  encode(value: unknown): Uint8Array {
    return this.encodeShared(value).slice();
  }

  /**
   * Decodes bytes this process encoded itself (msgpack-writer.ts checked the limits while writing
   * them), without walking them against the limits first. Never for bytes from outside.
   * Binary values in the result share memory with `bytes`.
   */
  decodeOwn(bytes: Uint8Array): unknown {
    return this.decoder.decode(bytes);
  }

  /**
   * Decodes exactly one value. Binary values in the result may share memory with `bytes`.
   * @throws CodecError for anything that is not exactly one valid value within the limits.
   */
  decode(bytes: Uint8Array): unknown {
    if (bytes.length > this.limits.maxFrameBytes) {
      throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `${bytes.length} bytes > ${this.limits.maxFrameBytes}`);
    }
    this.checker.check(bytes);
    try {
      return this.decoder.decode(bytes);
    } catch (err) {
      // The check above lets through only well-formed values within the limits; this is a last
      // line of defence should the decoder disagree.
      throw new CodecError('CODEC_ERR_MALFORMED', err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
}

const shared = new MsgpackCodec();

/** Encodes a value with the default limits; see {@link MsgpackCodec.encode}. */
export function encode(value: unknown): Uint8Array {
  return shared.encode(value);
}

/** Decodes one value with the default limits; see {@link MsgpackCodec.decode}. */
export function decode(bytes: Uint8Array): unknown {
  return shared.decode(bytes);
}
