import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './kcp.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('takes any datagram without throwing, and sends only well-formed segments', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
