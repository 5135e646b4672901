import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { packetDecoderTarget } from './packet-decoder.fuzz.js';

describe('packet decoder under random and mutated streams', () => {
  it('splits any cut of a stream alike, keeps to its limit and refuses only with its codes', async () => {
    await runFuzzTarget(packetDecoderTarget, { runs: 500 });
  });
});
