import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzTarget } from './kcp-client.fuzz.js';

describe(`fuzz ${fuzzTarget.name}`, () => {
  it('takes anything from the server without throwing, settles its connect and opens no session it cannot use', async () => {
    await fc.assert(fc.asyncProperty(fuzzTarget.arbitrary, (input) => fuzzTarget.check(input)), { numRuns: 300 });
  });
});
