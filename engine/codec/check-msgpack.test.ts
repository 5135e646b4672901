import { describe, expect, it } from 'vitest';
import { checkMsgpack } from './check-msgpack.js';
import { CodecError, type CodecErrorCode } from './errors.js';
import { DEFAULT_CODEC_LIMITS, type CodecLimits } from './limits.js';
import { encode } from './msgpack-codec.js';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');

function codeOf(bytes: Uint8Array, limits: Partial<CodecLimits> = {}): CodecErrorCode | undefined {
  try {
    checkMsgpack(bytes, { ...DEFAULT_CODEC_LIMITS, ...limits });
    return undefined;
  } catch (err) {
    if (err instanceof CodecError) return err.code;
    throw err;
  }
}

describe('checkMsgpack', () => {
  it('accepts every kind of value the codec produces', () => {
    const value = {
      nil: null, t: true, f: false, small: 7, neg: -20, u8: 200, u16: 60_000, u32: 4_000_000_000, i64: -(2 ** 40),
      f64: 1.5, str: 'héllo', long: 'x'.repeat(70_000), bin: new Uint8Array([1, 2, 3]), date: new Date(1_700_000_000_123),
      list: [1, [2, [3]]], map: { 1: 'one', nested: { deep: [] } }, empty: {},
    };
    expect(codeOf(encode(value))).toBeUndefined();
  });

  it('refuses a string that is not UTF-8, whose last character the decoder would read from the bytes after it', () => {
    expect(codeOf(hex('a1 f1'))).toBe('CODEC_ERR_MALFORMED');
    expect(codeOf(hex('92 a1 f1 a3 616263'))).toBe('CODEC_ERR_MALFORMED');
    expect(codeOf(hex('81 a2 c080 01'))).toBe('CODEC_ERR_MALFORMED');
    expect(codeOf(encode(['\uD800 a lone surrogate, as the encoder writes it', 'ünïcödé 😀']))).toBeUndefined();
  });

  it('reports every proper prefix of a value as truncated', () => {
    const bytes = encode({ a: [1, 'two', new Uint8Array(3), 1.25], b: { c: 'd' } });
    for (let cut = 0; cut < bytes.length; cut++) expect(codeOf(bytes.subarray(0, cut))).toBe('CODEC_ERR_TRUNCATED');
  });

  it('rejects trailing bytes after the value', () => {
    expect(codeOf(hex('01 02'))).toBe('CODEC_ERR_MALFORMED');
  });

  it('rejects the never-used type byte 0xc1', () => {
    expect(codeOf(hex('91 c1'))).toBe('CODEC_ERR_MALFORMED');
  });

  it('rejects nesting deeper than the limit at the opening header', () => {
    expect(codeOf(hex('91 91 91 01'), { maxDepth: 3 })).toBeUndefined();
    expect(codeOf(hex('91 91 91 91 01'), { maxDepth: 3 })).toBe('CODEC_ERR_TOO_DEEP');
    // A megabyte of one-element arrays is refused at the 33rd byte, not after building them.
    expect(codeOf(new Uint8Array(1 << 20).fill(0x91))).toBe('CODEC_ERR_TOO_DEEP');
  });

  it('rejects strings, binaries, arrays and maps over their caps from the declared length', () => {
    // str32 declaring 4 GiB with no payload: the length alone is enough.
    expect(codeOf(hex('db ffffffff'))).toBe('CODEC_ERR_STRING_TOO_LONG');
    expect(codeOf(hex('c6 ffffffff'))).toBe('CODEC_ERR_BINARY_TOO_LONG');
    expect(codeOf(hex('dd ffffffff'))).toBe('CODEC_ERR_ARRAY_TOO_LONG');
    expect(codeOf(hex('df ffffffff'))).toBe('CODEC_ERR_MAP_TOO_LONG');
    expect(codeOf(hex('a3 616263'), { maxStringBytes: 2 })).toBe('CODEC_ERR_STRING_TOO_LONG');
    expect(codeOf(hex('c4 03 010203'), { maxBinaryBytes: 2 })).toBe('CODEC_ERR_BINARY_TOO_LONG');
    expect(codeOf(hex('93 010203'), { maxArrayLength: 2 })).toBe('CODEC_ERR_ARRAY_TOO_LONG');
    expect(codeOf(hex('82 0101 0202'), { maxMapLength: 1 })).toBe('CODEC_ERR_MAP_TOO_LONG');
  });

  it('rejects __proto__ and constructor keys however the string is encoded', () => {
    expect(codeOf(hex('81 a9 5f5f70726f746f5f5f 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 d909 5f5f70726f746f5f5f 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 ab 636f6e7374727563746f72 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 da000b 636f6e7374727563746f72 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 db00000009 5f5f70726f746f5f5f 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    // Deep inside the value too, and only as a key: as a value the string is harmless.
    expect(codeOf(hex('91 81 a1 61 81 ab 636f6e7374727563746f72 c0'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 a1 61 ab 636f6e7374727563746f72'))).toBeUndefined();
  });

  it('rejects map keys that are neither strings nor integers', () => {
    expect(codeOf(hex('81 90 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 c0 01'))).toBe('CODEC_ERR_FORBIDDEN_KEY');
    expect(codeOf(hex('81 07 01'))).toBeUndefined();
  });

  it('accepts the timestamp extension and rejects every other extension', () => {
    expect(codeOf(hex('d6 ff 00000001'))).toBeUndefined();
    expect(codeOf(hex('d6 01 00000001'))).toBe('CODEC_ERR_UNSUPPORTED_TYPE');
    expect(codeOf(hex('d4 ff 00'))).toBe('CODEC_ERR_UNSUPPORTED_TYPE');
  });
});
