import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './jsonc.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('reads any text into a value or problems at positions inside it, and written JSON back unchanged', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 500 });
  });
});
