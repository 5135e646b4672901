import { encode as referenceEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink } from './byte-sink.js';
import { MsgpackChecker } from './check-msgpack.js';
import { DEFAULT_CODEC_LIMITS } from './limits.js';
import { MsgpackWriter } from './msgpack-writer.js';

const writer = new MsgpackWriter(DEFAULT_CODEC_LIMITS);

function written(value: unknown, into = new ByteSink(Buffer.alloc(1))): Uint8Array {
  writer.write(into, value);
  return into.buf.subarray(0, into.pos);
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Values of every kind the codec carries, at the edges of each msgpack format.
const edgeNumber = fc.constantFrom(0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53) + 1, 0.5, -1.25, 2 ** 53, NaN, Infinity, -Infinity);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('\uD800 lone', 'x'.repeat(31), 'x'.repeat(32), 'é'.repeat(128), 'y'.repeat(70_000)));
const leaf = fc.oneof(edgeNumber, fc.double(), fc.integer(), fc.boolean(), fc.constant(null), text, fc.uint8Array({ maxLength: 300 }), fc.date({ noInvalidDate: true }));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 20 }), fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__' && k !== 'constructor'), tie('node'), { maxKeys: 20 })),
})).node;

describe('MsgpackWriter', () => {
  it("writes the same bytes as @msgpack/msgpack's encoder, into a buffer that grows as it goes", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(hex(written(v))).toBe(hex(referenceEncode(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('writes undefined as null, any typed array as binary, and dates in the timestamp extension', () => {
    expect(hex(written([undefined, { a: undefined }]))).toBe('92c081a161c0');
    expect(hex(written(new Uint16Array([1])))).toBe('c4020100');
    for (const date of [new Date(0), new Date(1_700_000_000_123), new Date(-1), new Date(2 ** 34 * 1000)]) expect(hex(written(date))).toBe(hex(referenceEncode(date)));
  });

  it('writes only what the checker accepts, refusing what breaks a limit as it meets it', () => {
    const checker = new MsgpackChecker(DEFAULT_CODEC_LIMITS);
    fc.assert(fc.property(value, (v) => checker.check(written(v))), { numRuns: 100 });
    const tight = new MsgpackWriter({ ...DEFAULT_CODEC_LIMITS, maxDepth: 2, maxStringBytes: 4, maxBinaryBytes: 2, maxArrayLength: 4, maxMapLength: 1 });
    const refuse = (v: unknown): unknown => {
      try {
        tight.write(new ByteSink(Buffer.alloc(8)), v);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    for (const v of [[[[1]]], 'hello', 'ééé', new Uint8Array(3), [1, 2, 3, 4, 5], { a: 1, b: 2 }, JSON.parse('{"__proto__":1}'), { constructor: 1 }]) {
      expect(refuse(v)).toMatchObject({ code: 'CODEC_ERR_UNENCODABLE' });
    }
    expect(refuse([[1], 'abcd', new Uint8Array(2), { a: 1 }])).toBeUndefined();
  });

  it('refuses functions, symbols, bigints, invalid dates and cycles with CODEC_ERR_UNENCODABLE', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    for (const v of [() => 1, Symbol('s'), 1n, new Date(NaN), cycle]) {
      expect(() => writer.write(new ByteSink(Buffer.alloc(8)), v)).toThrow(expect.objectContaining({ code: 'CODEC_ERR_UNENCODABLE' }));
    }
  });
});
