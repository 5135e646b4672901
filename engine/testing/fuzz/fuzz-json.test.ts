import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromFuzzJson, toFuzzJson } from './fuzz-json.js';

// Not `constructor`: toStrictEqual compares it as the object's type (its own test is below).
const key = fc.oneof(fc.string().filter((k) => !k.startsWith('$') && k !== 'constructor'), fc.constant('__proto__'));
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double(),
    fc.string(),
    fc.uint8Array(),
    fc.array(tie('value')),
    fc.dictionary(key, tie('value'), { noNullPrototype: true }),
  ),
}));

describe('fuzz inputs as JSON', () => {
  it('read back through JSON text equal to what was written, bytes, odd numbers, undefined and __proto__ keys included', () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(fromFuzzJson(JSON.parse(JSON.stringify(toFuzzJson(input))))).toStrictEqual(input);
      }),
    );
  });

  it('writes bytes as base64 and numbers JSON cannot hold by name', () => {
    expect(toFuzzJson({ body: Uint8Array.of(1, 2, 255), n: [Number.NaN, -0, Number.NEGATIVE_INFINITY] })).toEqual({
      body: { $bytes: 'AQL/' },
      n: [{ $number: 'NaN' }, { $number: '-0' }, { $number: '-Infinity' }],
    });
  });

  it('keeps a saved __proto__ key as an own key, never as the prototype', () => {
    const input = fromFuzzJson(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.keys(input)).toEqual(['__proto__']);
    const withConstructor = fromFuzzJson(toFuzzJson(JSON.parse('{"constructor": 1}'))) as Record<string, unknown>;
    expect(Object.entries(withConstructor)).toEqual([['constructor', 1]]);
  });

  it('refuses what it could not read back the same', () => {
    expect(() => toFuzzJson(new Map())).toThrow(TypeError);
    expect(() => toFuzzJson(10n)).toThrow(TypeError);
    expect(() => toFuzzJson({ $bytes: 'AA==' })).toThrow(/special value/);
    expect(() => fromFuzzJson({ $date: '2020' })).toThrow(/unknown special value/);
  });
});
