import { describe, it } from 'vitest';
import { runFuzzTarget } from '../testing/fuzz/run-fuzz-target.js';
import { handshakeTarget } from './handshake.fuzz.js';

describe('handshake and gate connection under damaged handshakes, hostile sealed packets and random bytes', () => {
  it('never throws, closes only with protocol codes, and decodes handshake payloads to values that survive encoding', async () => {
    await runFuzzTarget(handshakeTarget, { runs: 300 });
  });
});
