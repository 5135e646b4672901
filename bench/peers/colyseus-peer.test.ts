import { describe, expect, it } from 'vitest';
import { installIsStale } from './colyseus-peer.js';

describe('installIsStale', () => {
  it('asks for an install when nothing was installed', () => {
    expect(installIsStale(undefined, 1_000, 1_000)).toBe(true);
  });

  it('asks for an install when package.json or the lockfile changed after the last one', () => {
    expect(installIsStale(2_000, 3_000, 1_000)).toBe(true);
    expect(installIsStale(2_000, 1_000, 3_000)).toBe(true);
  });

  it('keeps an install newer than both', () => {
    expect(installIsStale(2_000, 1_000, 1_500)).toBe(false);
  });
});
