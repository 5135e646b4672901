import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { frameDecoderTarget } from './frame-decoder.fuzz.js';

describe('frame decoder under random and mutated streams', () => {
  it('splits any cut of a stream alike, keeps to its limit and refuses only with its code', async () => {
    await runFuzzTarget(frameDecoderTarget, { runs: 500 });
  });
});
