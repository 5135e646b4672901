import { describe, expect, it } from 'vitest';
import { normalizeUsername } from './username.js';

describe('normalizeUsername', () => {
  it('trims and lower-cases, so that one name in any case is one account', () => {
    expect(normalizeUsername('  Alice.B_1-x ')).toBe('alice.b_1-x');
  });

  it('refuses names shorter than 3 or longer than 32 characters, or with other characters', () => {
    for (const bad of ['ab', 'a'.repeat(33), 'al ice', 'élise', 'bob!', '', ' '.repeat(100)]) expect(normalizeUsername(bad)).toBeUndefined();
    expect(normalizeUsername('a'.repeat(32))).toBe('a'.repeat(32));
  });
});
