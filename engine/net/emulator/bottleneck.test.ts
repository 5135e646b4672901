import { describe, expect, it } from 'vitest';
import { Bottleneck } from './bottleneck.js';

describe('Bottleneck', () => {
  it('serializes datagrams back to back, each for size over rate', () => {
    const link = new Bottleneck(1_000, 10_000);
    expect([1, 2, 3].map(() => link.admit(100, 0))).toEqual([100, 200, 300]);
    expect(link.queuedBytes).toBe(300);
  });

  it('starts a datagram at once on an idle link', () => {
    const link = new Bottleneck(1_000, 10_000);
    link.admit(100, 0);
    expect(link.admit(50, 5_000)).toBe(5_050);
    expect(link.queuedBytes).toBe(50);
  });

  it('refuses a datagram that would take the queue past its limit, and takes it once bytes have left', () => {
    const link = new Bottleneck(1_000, 250);
    expect(link.admit(100, 0)).toBe(100);
    expect(link.admit(100, 0)).toBe(200);
    expect(link.admit(100, 0)).toBeUndefined();
    expect(link.admit(50, 0)).toBe(250);
    expect(link.admit(100, 100)).toBe(350);
    expect(link.queuedBytes).toBe(250);
  });

  it('counts a datagram as queued until its last byte has left', () => {
    const link = new Bottleneck(1_000, 100);
    link.admit(100, 0);
    expect(link.admit(1, 99.5)).toBeUndefined();
    expect(link.admit(100, 100)).toBe(200);
  });

  it('keeps exact counts through many admissions and releases', () => {
    const link = new Bottleneck(1_000_000, 1_000);
    let wrong = 0;
    for (let t = 0; t < 100_000; t++) if (link.admit(10, t) !== t + 0.01 || link.queuedBytes !== 10) wrong++;
    expect(wrong).toBe(0);
  });
});
