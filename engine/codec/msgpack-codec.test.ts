import { describe, expect, it } from 'vitest';
import { CodecError } from './errors.js';
import { MsgpackCodec, decode, encode } from './msgpack-codec.js';

describe('MsgpackCodec', () => {
  it('round-trips nested values of every supported type', () => {
    const value = {
      n: null, b: [true, false], i: [0, -1, 127, 128, -33, 65_535, 2 ** 31, -(2 ** 31), 2 ** 53 - 1], f: [0.5, -1e300],
      s: ['', 'ünïcödé', 'x'.repeat(300)], bin: new Uint8Array([0, 255]), when: new Date(1_700_000_000_000),
      nested: { list: [{ a: 1 }, [2, [3]]], 7: 'seven' },
    };
    expect(decode(encode(value))).toEqual(value);
  });

  it('sends undefined as null', () => {
    expect(decode(encode([undefined]))).toEqual([null]);
  });

  it('refuses values msgpack cannot carry with CODEC_ERR_UNENCODABLE', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [10n, Symbol('s'), cyclic]) {
      expect(() => encode(value)).toThrow(expect.objectContaining({ code: 'CODEC_ERR_UNENCODABLE' }));
    }
  });

  it('refuses to encode what the other side would refuse to decode', () => {
    const codec = new MsgpackCodec({ maxStringBytes: 4, maxArrayLength: 3, maxDepth: 2 });
    for (const value of ['hello', [1, 2, 3, 4], [[[1]]], JSON.parse('{"__proto__": 1}'), { constructor: 1 }]) {
      expect(() => codec.encode(value)).toThrow(expect.objectContaining({ code: 'CODEC_ERR_UNENCODABLE' }));
    }
    expect(codec.decode(codec.encode([[1]]))).toEqual([[1]]);
  });

  it('refuses to encode more than the frame limit', () => {
    const codec = new MsgpackCodec({ maxFrameBytes: 100 });
    expect(() => codec.encode('x'.repeat(200))).toThrow(expect.objectContaining({ code: 'CODEC_ERR_FRAME_TOO_LARGE', wireCode: 1001 }));
  });

  it('refuses to decode more than the frame limit before reading it', () => {
    const codec = new MsgpackCodec({ maxFrameBytes: 100 });
    expect(() => codec.decode(new Uint8Array(101))).toThrow(expect.objectContaining({ code: 'CODEC_ERR_FRAME_TOO_LARGE' }));
  });

  it('applies its own limits when decoding', () => {
    const codec = new MsgpackCodec({ maxStringBytes: 4 });
    expect(() => codec.decode(encode('hello'))).toThrow(expect.objectContaining({ code: 'CODEC_ERR_STRING_TOO_LONG' }));
  });

  it('never builds an object whose prototype was set from the wire', () => {
    const bytes = Buffer.from('81a95f5f70726f746f5f5f81a161c3', 'hex');
    expect(() => decode(bytes)).toThrow(expect.objectContaining({ code: 'CODEC_ERR_FORBIDDEN_KEY' }));
  });

  it('throws only CodecError for random garbage', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);
    let rejected = 0;
    for (let round = 0; round < 20_000; round++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 40)).map(() => Math.floor(random() * 256));
      try {
        decode(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(10_000);
  });

  it('gives a fresh copy from encode and a shared buffer from encodeShared', () => {
    const codec = new MsgpackCodec();
    const first = codec.encode(1);
    const shared = codec.encodeShared(2);
    codec.encodeShared(3);
    expect(decode(first)).toBe(1);
    expect(shared[0]).toBe(3);
  });
});
