import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './load-config.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('loads any file, variables and flags into a frozen config or one ConfigError of catalogue codes', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
