import { describe, expect, it } from 'vitest';
import type { LinkEmulator } from './link-emulator.js';
import { createLinkPair } from './link-pair.js';

/** Sends `count` one-byte datagrams at time 0 and returns the indices that arrive. */
function survivors(link: LinkEmulator, count: number): number[] {
  for (let i = 0; i < count; i++) link.send(new Uint8Array([i & 0xff, i >> 8]), 0);
  return link.receive(1_000).map((bytes) => bytes[0]! | (bytes[1]! << 8));
}

describe('createLinkPair', () => {
  it('gives the two directions the same settings but their own random decisions', () => {
    const { aToB, bToA } = createLinkPair({ seed: 1, lossRate: 0.3, latencyMs: 10 });
    expect(aToB.options).toMatchObject({ lossRate: 0.3, latencyMs: 10 });
    expect(bToA.options).toMatchObject({ lossRate: 0.3, latencyMs: 10 });
    expect(aToB.options.seed).not.toBe(bToA.options.seed);
    expect(survivors(aToB, 1_000)).not.toEqual(survivors(bToA, 1_000));
  });

  it('replays both directions from the one seed', () => {
    const first = createLinkPair({ seed: 2, lossRate: 0.3, jitterMs: 50 });
    const again = createLinkPair({ seed: 2, lossRate: 0.3, jitterMs: 50 });
    expect(survivors(again.aToB, 1_000)).toEqual(survivors(first.aToB, 1_000));
    expect(survivors(again.bToA, 1_000)).toEqual(survivors(first.bToA, 1_000));
  });

  it('applies the bToA overrides to the way back only', () => {
    const { aToB, bToA } = createLinkPair({
      seed: 3,
      latencyMs: 20,
      bandwidthBytesPerSecond: 100_000,
      bToA: { bandwidthBytesPerSecond: 10_000, lossRate: 0.5 },
    });
    expect(aToB.options).toMatchObject({ latencyMs: 20, bandwidthBytesPerSecond: 100_000, lossRate: 0 });
    expect(bToA.options).toMatchObject({ latencyMs: 20, bandwidthBytesPerSecond: 10_000, lossRate: 0.5 });
  });

  it('rejects bad options in either direction with a RangeError', () => {
    expect(() => createLinkPair({ seed: -(2 ** 40) })).toThrow(RangeError);
    expect(() => createLinkPair({ seed: 1, lossRate: 2 })).toThrow(RangeError);
    expect(() => createLinkPair({ seed: 1, bToA: { jitterMs: -1 } })).toThrow(RangeError);
  });
});
