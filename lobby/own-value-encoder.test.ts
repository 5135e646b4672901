import { describe, expect, it } from 'vitest';
import { CodecError } from '../engine/codec/errors.js';
import { decode } from '../engine/codec/msgpack-codec.js';
import { OwnValueEncoder } from './own-value-encoder.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof CodecError ? err.code : `not a CodecError: ${String(err)}`;
  }
  return undefined;
};

describe('OwnValueEncoder', () => {
  it('encodes into bytes the caller owns, undefined as nil', () => {
    const encoder = new OwnValueEncoder();
    const first = encoder.encode({ item: 'sword', qty: 3 });
    encoder.encode('something else');
    expect(decode(first)).toEqual({ item: 'sword', qty: 3 });
    expect(encoder.encode(undefined)).toEqual(Uint8Array.of(0xc0));
  });

  it('refuses what msgpack cannot carry, a cycle, nesting past the depth cap and frames past the size cap', () => {
    const encoder = new OwnValueEncoder({ maxDepth: 3, maxFrameBytes: 64 });
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(codeOf(() => encoder.encode(() => 1))).toBe('CODEC_ERR_UNENCODABLE');
    expect(codeOf(() => encoder.encode(1n))).toBe('CODEC_ERR_UNENCODABLE');
    expect(codeOf(() => encoder.encode(cycle))).toBe('CODEC_ERR_UNENCODABLE');
    expect(codeOf(() => encoder.encode([[[1]]]))).toBeUndefined();
    expect(codeOf(() => encoder.encode([[[[1]]]]))).toBe('CODEC_ERR_UNENCODABLE');
    expect(codeOf(() => encoder.encode('x'.repeat(64)))).toBe('CODEC_ERR_FRAME_TOO_LARGE');
  });
});
