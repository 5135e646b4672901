import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const policy = { baseMs: 100, maxMs: 250 };

describe('backoffDelay', () => {
  it('doubles from the base, stays under the cap, and keeps at least half of each step', () => {
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 2, () => 1)).toBe(200);
    expect(backoffDelay(policy, 3, () => 1)).toBe(250);
    expect(backoffDelay(policy, 10, () => 0)).toBe(125);
  });
});
