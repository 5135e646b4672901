import { describe, it } from 'vitest';
import { runFuzzTarget } from '../engine/testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './resume-token.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('accepts only a token the cluster issued, for its session and account before its expiry, and refuses the rest with resume codes', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 500 });
  });
});
