import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedUtf8 } from './well-formed-utf8.js';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const whole = (bytes: Uint8Array): boolean => isWellFormedUtf8(bytes, 0, bytes.length);

describe('isWellFormedUtf8', () => {
  it('accepts the UTF-8 of any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => whole(new TextEncoder().encode(text))));
  });

  it('accepts a lone surrogate in its 3-byte form, as the msgpack encoder writes it', () => {
    expect(whole(hex('eda080'))).toBe(true);
    expect(whole(hex('edbfbf'))).toBe(true);
  });

  it('refuses stray continuation bytes, cut sequences, overlong forms and code points past U+10FFFF', () => {
    for (const bad of ['80', 'bf', 'c2', 'e282', 'f09f98', 'c080', 'c1bf', 'e08080', 'f08f8080', 'f4908080', 'f5808080', 'ff', 'e2 2882', 'f09f 41 80']) {
      expect(whole(hex(bad)), bad).toBe(false);
    }
  });

  it('looks only at the range it is given', () => {
    expect(isWellFormedUtf8(hex('41 f1 41 41 41'), 0, 2)).toBe(false);
    expect(isWellFormedUtf8(hex('41 f0 9f 98 80'), 1, 5)).toBe(true);
  });
});
