import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { msgpackCheckerTarget } from './check-msgpack.fuzz.js';

describe('msgpack checker under random, valid and damaged values', () => {
  it('passes only what the decoder decodes within the limits, and refuses with codec codes', async () => {
    await runFuzzTarget(msgpackCheckerTarget, { runs: 500 });
  });
});
