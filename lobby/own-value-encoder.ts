/**
 * msgpack for values the lobby built itself: what a game method returned, a push body. These are
 * not bytes from outside, so they are not walked by the limits checker (engine/codec/check-msgpack.ts)
 * after encoding: only what msgpack cannot carry (functions, symbols, bigints, a cycle, which
 * shows as nesting past the depth cap) and a frame past its size cap are refused. The client's
 * decoder still checks every limit on its side.
 */
import { Encoder } from '@msgpack/msgpack';
import { CodecError } from '../engine/codec/errors.js';
import { DEFAULT_CODEC_LIMITS, type CodecLimits } from '../engine/codec/limits.js';

/** A reusable encoder of the lobby's own values. */
export class OwnValueEncoder {
  private readonly encoder: Encoder;
  private readonly maxFrameBytes: number;

  /** @param limits the depth and frame size caps (default: the server-to-server limits). */
  constructor(limits: Pick<CodecLimits, 'maxDepth' | 'maxFrameBytes'> = DEFAULT_CODEC_LIMITS) {
    // The encoder counts the scalars inside the deepest container as one more level.
    this.encoder = new Encoder({ maxDepth: limits.maxDepth + 1, initialBufferSize: 4096 });
    this.maxFrameBytes = limits.maxFrameBytes;
  }

  /**
   * Encodes `value` (`undefined` as nil) into bytes the caller owns.
   * @throws CodecError CODEC_ERR_UNENCODABLE for what msgpack cannot carry or nesting past the
   *   depth cap; CODEC_ERR_FRAME_TOO_LARGE past the frame size cap.
   */
  encode(value: unknown): Uint8Array {
    let bytes: Uint8Array;
    try {
      bytes = this.encoder.encodeSharedRef(value);
    } catch (err) {
      throw new CodecError('CODEC_ERR_UNENCODABLE', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (bytes.length > this.maxFrameBytes) throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `encoded ${bytes.length} bytes > ${this.maxFrameBytes}`);
    return bytes.slice();
  }
}
