import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './envelope-reader.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('reads any byte stream into well-shaped envelopes or a protocol refusal, and checks proofs without throwing', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
