import { describe, it } from 'vitest';
import { runFuzzTarget } from '../../testing/fuzz/run-fuzz-target.js';
import { fuzzTarget } from './kcp-server.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('answers every datagram from any address without throwing, amplifying or passing its caps', async () => {
    await runFuzzTarget(fuzzTarget, { runs: 300 });
  });
});
