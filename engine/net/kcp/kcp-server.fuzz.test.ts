import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './kcp-server.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('answers every datagram from any address without throwing, amplifying or passing its caps', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
