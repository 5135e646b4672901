import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './jsonc.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('reads any text into a value or problems at positions inside it, and written JSON back unchanged', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 500 });
  });
});
