import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { compressionTarget } from './compression.fuzz.js';

describe('compression under bombs, lies and damaged payloads', () => {
  it('inflates honest payloads within the cap, refuses the rest with its codes, and the client agrees with the gate', async () => {
    await runFuzzTarget(compressionTarget, { runs: 200 });
  });
});
