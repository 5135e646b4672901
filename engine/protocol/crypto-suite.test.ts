import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TAG_BYTES, type CryptoSuite } from './crypto-suite.js';
import { nobleCryptoSuite } from './noble-crypto-suite.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

describe.each([nodeCryptoSuite, nobleCryptoSuite])('the $name suite', (suite: CryptoSuite) => {
  it('seals in place exactly what seal returns, touching nothing outside the body and the tag', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 255 }), (length, before, seed) => {
        const aead = suite.aead(bytes(32, seed));
        const nonce = bytes(12, seed + 1);
        const plaintext = bytes(length, seed + 2);
        // The associated data is a view of the same buffer, as a packet's header is.
        const buffer = bytes(4 + before + length + TAG_BYTES + 3, seed + 3);
        buffer.set(plaintext, 4 + before);
        const untouched = Uint8Array.from(buffer);
        const ad = buffer.subarray(0, 4);
        const expected = aead.seal(nonce, Uint8Array.from(ad), plaintext);
        aead.sealInPlace(nonce, ad, buffer, 4 + before, 4 + before + length);
        expect(Buffer.from(buffer.subarray(4 + before, 4 + before + length + TAG_BYTES)).equals(Buffer.from(expected))).toBe(true);
        expect(Array.from(buffer.subarray(0, 4 + before))).toEqual(Array.from(untouched.subarray(0, 4 + before)));
        expect(Array.from(buffer.subarray(4 + before + length + TAG_BYTES))).toEqual(Array.from(untouched.subarray(4 + before + length + TAG_BYTES)));
        expect(Array.from(aead.open(nonce, ad, expected) ?? [])).toEqual(Array.from(plaintext));
      }),
      { numRuns: 200 },
    );
  });

  it('opens what the other suite sealed in place', () => {
    const other = suite === nodeCryptoSuite ? nobleCryptoSuite : nodeCryptoSuite;
    const key = bytes(32, 7);
    const nonce = bytes(12, 8);
    const buffer = new Uint8Array(4 + 100 + TAG_BYTES);
    buffer.set(bytes(104, 9).subarray(0, 104));
    const plaintext = buffer.slice(4, 104);
    other.aead(key).sealInPlace(nonce, buffer.subarray(0, 4), buffer, 4, 104);
    expect(Array.from(suite.aead(key).open(nonce, buffer.subarray(0, 4), buffer.subarray(4)) ?? [])).toEqual(Array.from(plaintext));
  });
});
