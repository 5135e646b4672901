import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.js';

// Outputs of the reference C implementation (xoshiro128starstar.c, version 1.1) from the state
// {1, 2, 3, 4}, as published with the algorithm's Rust port; and after its jump().
const REFERENCE = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804];
const REFERENCE_AFTER_JUMP = [1194304935, 745561276, 25819468, 3320478005, 3046317961];
// The seeding steps (Weyl sequence through the MurmurHash3 finalizer) run in C with uint32_t
// arithmetic, for seeds 42 and 0xffffffff.
const SEED_42 = [2837322924, 544945897, 479756282, 3500138142, 339756180];
const SEED_MAX = [835879718, 1921286648, 2356205009, 1885780724, 980451116];

function take(random: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('SeededRandom', () => {
  it('produces the reference implementation’s outputs from the same state', () => {
    expect(take(SeededRandom.fromState(1, 2, 3, 4), REFERENCE.length)).toEqual(REFERENCE);
  });

  it('spreads a 32-bit seed over the state the same way as the C version of the seeding', () => {
    expect(take(new SeededRandom(42), 5)).toEqual(SEED_42);
    expect(take(new SeededRandom(0xffffffff), 5)).toEqual(SEED_MAX);
  });

  it('takes a negative seed as its unsigned 32-bit twin', () => {
    expect(take(new SeededRandom(-1), 5)).toEqual(SEED_MAX);
  });

  it('repeats its sequence for the same seed and gives another for a different seed', () => {
    expect(take(new SeededRandom(7), 100)).toEqual(take(new SeededRandom(7), 100));
    expect(take(new SeededRandom(7), 100)).not.toEqual(take(new SeededRandom(8), 100));
  });

  it('forks a generator that continues the sequence while the parent jumps 2^64 outputs ahead', () => {
    const parent = SeededRandom.fromState(1, 2, 3, 4);
    const child = parent.fork();
    expect(take(child, REFERENCE.length)).toEqual(REFERENCE);
    expect(take(parent, REFERENCE_AFTER_JUMP.length)).toEqual(REFERENCE_AFTER_JUMP);
    const second = SeededRandom.fromState(1, 2, 3, 4);
    second.fork();
    expect(take(second.fork(), REFERENCE_AFTER_JUMP.length)).toEqual(REFERENCE_AFTER_JUMP);
  });

  it('returns numbers in [0, 1) with a mean close to one half', () => {
    const random = new SeededRandom(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const value = random.next();
      if (!(value >= 0 && value < 1)) outside++;
      sum += value;
    }
    expect(outside).toBe(0);
    // The mean of 100,000 uniform draws has a standard deviation of about 0.0009.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('returns integers below the bound, each value about equally often', () => {
    const random = new SeededRandom(2);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[random.int(7)]!++;
    // 10,000 expected per value with a standard deviation of about 93.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    expect(random.int(1)).toBe(0);
    expect(random.int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('returns floats in [min, max), and min when the bounds are equal', () => {
    const random = new SeededRandom(3);
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random.range(30, 62.5);
      if (!(value >= 30 && value < 62.5)) outside++;
    }
    expect(outside).toBe(0);
    expect(random.range(5, 5)).toBe(5);
    expect(random.range(-2, -1)).toBeLessThan(-1);
  });

  it('never passes chance(0) and always passes chance(1)', () => {
    const random = new SeededRandom(4);
    const draws = Array.from({ length: 1_000 }, () => [random.chance(0), random.chance(1)]);
    expect(draws.every(([never, always]) => !never && always)).toBe(true);
  });

  it('rejects seeds, bounds and states outside their ranges with a RangeError', () => {
    for (const seed of [1.5, 2 ** 32, -(2 ** 31) - 1, Number.NaN, Infinity]) {
      expect(() => new SeededRandom(seed)).toThrow(RangeError);
    }
    const random = new SeededRandom(5);
    for (const max of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN]) expect(() => random.int(max)).toThrow(RangeError);
    expect(() => random.range(2, 1)).toThrow(RangeError);
    expect(() => random.range(0, Infinity)).toThrow(RangeError);
    expect(() => SeededRandom.fromState(0, 0, 0, 0)).toThrow(RangeError);
    expect(() => SeededRandom.fromState(-1, 0, 0, 1)).toThrow(RangeError);
  });
});
