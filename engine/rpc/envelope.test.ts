import { describe, expect, it } from 'vitest';
import { KIND, parseEnvelope } from './envelope.js';

describe('parseEnvelope', () => {
  it('takes a CALL whose budget is a finite number of ms, zero and negative ones included', () => {
    for (const budget of [5_000, 0.5, 0, -3]) {
      expect(parseEnvelope([KIND.CALL, 7, budget, null, null, 'echo', 'echo', [1]])).toEqual([KIND.CALL, 7, budget, null, null, 'echo', 'echo', [1]]);
    }
  });

  it('refuses a CALL whose budget is NaN or an infinity, which would make a deadline that never passes', () => {
    for (const budget of [NaN, Infinity, -Infinity]) {
      expect(parseEnvelope([KIND.CALL, 7, budget, null, null, 'echo', 'echo', [1]])).toBe('bad CALL');
    }
  });
});
