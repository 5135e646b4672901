import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './token-verifier.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('accepts only EdDSA tokens signed by the issuer key, refuses the rest with their codes, and fetches nothing a token names', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
