import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { messageDecoderTarget } from './message-decoder.fuzz.js';

describe('message decoder and route dictionary under random and mutated batches', () => {
  it('decodes valid batches exactly, and anything else to messages within the limits or a protocol code', async () => {
    await runFuzzTarget(messageDecoderTarget, { runs: 400 });
  });
});
