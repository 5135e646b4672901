import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './load-config.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('loads any file, variables and flags into a frozen config or one ConfigError of catalogue codes', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
