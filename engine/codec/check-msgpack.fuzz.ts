/**
 * Fuzz target: the msgpack checker (check-msgpack.ts) and the codec's decode behind it
 * (msgpack-codec.ts), under random small limits. Values of every supported type are encoded, then
 * possibly damaged, or random bytes are used. What the checker passes, the msgpack decoder decodes
 * (the checker is the only guard before it), within every limit and without a `__proto__` or
 * `constructor` key; the checker refuses only with codec codes; an undamaged value within the
 * default limits passes and decodes to itself.
 */
import { Decoder, encode as encodeRaw } from '@msgpack/msgpack';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { applyTamper, tamper } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { MsgpackChecker } from './check-msgpack.js';
import { CodecError } from './errors.js';
import { DEFAULT_CODEC_LIMITS, type CodecLimits } from './limits.js';
import { MsgpackCodec } from './msgpack-codec.js';

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
    fc.maxSafeInteger(),
    // Not -0: the msgpack encoder writes it as the integer 0.
    fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0)),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__' && k !== 'constructor'), tie('value'), { maxKeys: 6, noNullPrototype: true }),
  ),
}));

const limits: fc.Arbitrary<CodecLimits> = fc.record({
  maxFrameBytes: fc.constant(DEFAULT_CODEC_LIMITS.maxFrameBytes),
  maxDepth: fc.nat(6),
  maxStringBytes: fc.nat(64),
  maxBinaryBytes: fc.nat(64),
  maxArrayLength: fc.nat(8),
  maxMapLength: fc.nat(8),
});

const decoder = new Decoder();
const defaults = new MsgpackCodec();
const utf8 = new TextEncoder();

/** Throws when the decoded `v` breaks a limit the checker was given; `depth` is that of `v`'s container. */
function withinLimits(v: unknown, l: CodecLimits, depth: number): void {
  if (v instanceof Uint8Array) {
    if (v.length > l.maxBinaryBytes) throw new Error(`binary of ${v.length} > ${l.maxBinaryBytes}`);
  } else if (typeof v === 'string') {
    // A lone surrogate re-encodes as U+FFFD, 3 bytes as it travelled: the length holds either way.
    if (utf8.encode(v).length > l.maxStringBytes) throw new Error(`string of ${utf8.encode(v).length} bytes > ${l.maxStringBytes}`);
  } else if (Array.isArray(v)) {
    if (depth + 1 > l.maxDepth || v.length > l.maxArrayLength) throw new Error(`array of ${v.length} at depth ${depth + 1}`);
    for (const item of v) withinLimits(item, l, depth + 1);
  } else if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    const keys = Object.keys(v);
    if (depth + 1 > l.maxDepth || keys.length > l.maxMapLength) throw new Error(`map of ${keys.length} at depth ${depth + 1}`);
    if (Object.hasOwn(v, '__proto__') || Object.hasOwn(v, 'constructor') || Object.getPrototypeOf(v) !== Object.prototype) throw new Error('a map reaches a prototype');
    for (const item of Object.values(v)) withinLimits(item, l, depth + 1);
  }
}

export const msgpackCheckerTarget = defineFuzzTarget({
  name: 'codec.msgpack-checker',
  description: 'msgpack limits checker and the codec decode it guards: depth, lengths, key types, forbidden keys, extensions',
  arbitrary: fc.record({ value, limits, tamper: fc.option(tamper, { freq: 2 }), random: fc.option(fc.uint8Array({ maxLength: 64 }), { freq: 6 }) }),
  check({ value: v, limits: l, tamper: t, random }) {
    const valid = encodeRaw(v);
    if (!random && !t) {
      const decoded = defaults.decode(valid);
      if (!isDeepStrictEqual(decoded, v)) throw new Error('a valid value within the default limits does not decode to itself');
    }
    const bytes = random ?? (t ? applyTamper(valid, t) : valid);
    try {
      new MsgpackChecker(l).check(bytes);
    } catch (err) {
      if (err instanceof CodecError && err.code !== 'CODEC_ERR_UNENCODABLE' && err.code !== 'CODEC_ERR_FRAME_TOO_LARGE') return;
      throw err;
    }
    // Passed: the decoder must agree, and what it builds must keep to the limits.
    withinLimits(decoder.decode(bytes), l, 0);
    const codec = new MsgpackCodec(l);
    withinLimits(codec.decode(bytes), l, 0);
  },
});
