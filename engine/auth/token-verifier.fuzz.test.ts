import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './token-verifier.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('accepts only EdDSA tokens signed by the issuer key, refuses the rest with their codes, and fetches nothing a token names', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
