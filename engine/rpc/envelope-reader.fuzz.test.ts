import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './envelope-reader.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('reads any byte stream into well-shaped envelopes or a protocol refusal, and checks proofs without throwing', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
