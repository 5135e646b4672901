import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './kcp-client.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('takes anything from the server without throwing, settles its connect and opens no session it cannot use', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
