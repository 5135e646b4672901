import { describe, expect, it } from 'vitest';
import { allocBytes } from './bytes.js';

describe('allocBytes', () => {
  it('hands out zeroed, non-overlapping arrays of the size asked for', () => {
    const arrays = Array.from({ length: 200 }, (_, i) => allocBytes(1 + ((i * 37) % 700)));
    arrays.forEach((a, i) => {
      expect(a.length).toBe(1 + ((i * 37) % 700));
      expect(a.every((b) => b === 0)).toBe(true);
    });
    arrays.forEach((a, i) => a.fill(i & 0xff));
    arrays.forEach((a, i) => expect(a.every((b) => b === (i & 0xff))).toBe(true));
  });

  it('gives a large array a backing store of its own', () => {
    const large = allocBytes(64 * 1024);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(64 * 1024);
  });
});
