import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './kcp.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('takes any datagram without throwing, and sends only well-formed segments', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
