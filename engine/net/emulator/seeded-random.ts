/**
 * A seeded pseudo-random generator for reproducible simulations: xoshiro128** 1.1 by David
 * Blackman and Sebastiano Vigna (https://prng.di.unimi.it/xoshiro128starstar.c). 128 bits of
 * state, period 2^128 - 1, 32-bit outputs from 32-bit integer operations only, which JavaScript
 * does exactly with `Math.imul` and `>>> 0`. Not for anything secret: its outputs are predictable.
 *
 * A 32-bit seed is spread over the four state words by a 32-bit SplitMix: a Weyl sequence
 * (step 0x9e3779b9) through the MurmurHash3 finalizer. The finalizer is a bijection and
 * consecutive Weyl values differ, so distinct seeds give distinct states and never the all-zero
 * state, on which xoshiro would be stuck.
 */

const TWO_POW_32 = 2 ** 32;
// Taken from the reference implementation: jump() advances the state by 2^64 outputs.
const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b] as const;

/** A deterministic generator of uniform numbers; equal seeds give equal sequences. */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed an integer from -2^31 to 2^32 - 1. A negative seed is taken as its unsigned 32-bit
   *   twin (-1 is 0xffffffff), so the result of `x | 0` and of `x >>> 0` seed alike.
   * @throws RangeError when `seed` is not such an integer.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= TWO_POW_32) {
      throw new RangeError(`SeededRandom: seed must be a 32-bit integer, got ${seed}`);
    }
    let x = seed >>> 0;
    x = (x + 0x9e3779b9) >>> 0;
    this.s0 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s1 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s2 = fmix32(x);
    x = (x + 0x9e3779b9) >>> 0;
    this.s3 = fmix32(x);
  }

  /**
   * A generator with the given raw state, for checking against the reference implementation's
   * published outputs.
   * @throws RangeError when a word is not an unsigned 32-bit integer, or when all four are zero.
   */
  static fromState(s0: number, s1: number, s2: number, s3: number): SeededRandom {
    for (const word of [s0, s1, s2, s3]) {
      if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
        throw new RangeError(`SeededRandom.fromState: ${word} is not an unsigned 32-bit integer`);
      }
    }
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('SeededRandom.fromState: the state must not be all zero');
    const random = new SeededRandom(0);
    random.s0 = s0;
    random.s1 = s1;
    random.s2 = s2;
    random.s3 = s3;
    return random;
  }

  /** The next output: a uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1), in steps of 2^-32. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** True with probability `probability` (never for 0 or less, always for 1 or more). */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /**
   * A uniform integer in [0, `maxExclusive`), without modulo bias: outputs from the incomplete
   * last block of `maxExclusive` values are drawn again.
   * @throws RangeError when `maxExclusive` is not an integer from 1 to 2^32.
   */
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`SeededRandom.int: maxExclusive must be an integer from 1 to 2^32, got ${maxExclusive}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % maxExclusive;
    }
  }

  /**
   * A uniform number in [`min`, `max`); `min` itself when the two are equal.
   * @throws RangeError when either bound is not finite or `max` is below `min`.
   */
  range(min: number, max: number): number {
    if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
      throw new RangeError(`SeededRandom.range: expected finite min <= max, got [${min}, ${max})`);
    }
    const value = min + this.next() * (max - min);
    // Rounding can land exactly on `max` when the span is tiny next to `min`; keep the bound open.
    return value < max ? value : min;
  }

  /**
   * Splits off an independent generator: the returned one produces this one's next 2^64 outputs,
   * and this one jumps past them. Streams split this way never overlap, so each effect of a
   * simulation can draw from its own stream without disturbing the others.
   */
  fork(): SeededRandom {
    const child = SeededRandom.fromState(this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0);
    this.jump();
    return child;
  }

  // The reference jump(): the XOR of the states at the positions named by the bits of JUMP.
  private jump(): void {
    let j0 = 0;
    let j1 = 0;
    let j2 = 0;
    let j3 = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          j0 ^= this.s0;
          j1 ^= this.s1;
          j2 ^= this.s2;
          j3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = j0;
    this.s1 = j1;
    this.s2 = j2;
    this.s3 = j3;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// The MurmurHash3 32-bit finalizer: a bijection on 32-bit words that mixes every bit into every bit.
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
