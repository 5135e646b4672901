import { describe, expect, it } from 'vitest';
import { judgeGrowth, MIN_JUDGED_SAMPLES } from './growth-verdict.js';

const TOL = { floorMiB: 2, share: 0.02 };
// Samples every 10 s for `minutes`, of `f(t in s)` plus a deterministic wobble of ±`noise` MiB.
function series(minutes: number, f: (t: number) => number, noise = 0): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  for (let s = 0; s <= minutes * 60; s += 10) {
    t.push(s);
    v.push(f(s) + noise * Math.sin(s * 1.7));
  }
  return { t, v };
}

describe('judgeGrowth', () => {
  it('passes a flat series with noise within the tolerance', () => {
    const { t, v } = series(30, () => 150, 1.5);
    const verdict = judgeGrowth(t, v, 300, TOL);
    expect(verdict.levelsOff).toBe(true);
    expect(verdict.text).toMatch(/^levels off; last half [+-]\d+\.\d MiB \(tolerance 3\.0\), last quarter [+-]\d+\.\d MiB \(tolerance 3\.0\); slope/);
  });

  it('fails a steady leak, however slow, once it outgrows the tolerance', () => {
    const fast = series(30, (s) => 100 + s / 10); // 6 MiB a minute
    expect(judgeGrowth(fast.t, fast.v, 300, TOL)).toMatchObject({ levelsOff: false });
    const slow = series(30, (s) => 100 + s / 150, 0.5); // 0.4 MiB a minute: 5 MiB over the last half
    const verdict = judgeGrowth(slow.t, slow.v, 300, TOL);
    expect(verdict.levelsOff).toBe(false);
    expect(verdict.text).toMatch(/^keeps growing/);
    expect(verdict.lastSlope).toBeCloseTo(0.4, 1);
    expect(verdict.firstSlope).toBeCloseTo(0.4, 1);
  });

  it('passes growth that dies away towards a plateau, as pools and caches fill', () => {
    const { t, v } = series(30, (s) => 200 - 80 * Math.exp(-s / 240), 0.5);
    const verdict = judgeGrowth(t, v, 120, TOL);
    expect(verdict.levelsOff).toBe(true);
    expect(verdict.firstSlope).toBeGreaterThan(4 * verdict.lastSlope);
  });

  it('fails growth that slows but still climbs quarter on quarter beyond the tolerance', () => {
    // Square-root growth never stops: the last quarter still rises beyond the tolerance.
    const { t, v } = series(30, (s) => 100 + 4 * Math.sqrt(s));
    const verdict = judgeGrowth(t, v, 0, TOL);
    expect(verdict.lastQuarterRise).toBeGreaterThan(verdict.tolerance);
    expect(verdict.levelsOff).toBe(false);
  });

  it('fails a series that is flat at first and starts leaking in its last half', () => {
    const { t, v } = series(30, (s) => (s < 900 ? 120 : 120 + (s - 900) / 60));
    const verdict = judgeGrowth(t, v, 0, TOL);
    expect(verdict.levelsOff).toBe(false);
  });

  it("holds a noisy series to twice its noise: a game's heap that jumps by megabytes between samples does not fail by chance", () => {
    // A deterministic jitter of up to ±5 MiB, as an arena's heap moves with its matches.
    const jitter = (s: number) => 5 * Math.sin(s * 0.37) * Math.cos(s * 1.3);
    const flat = series(5, (s) => 85 + jitter(s));
    const verdict = judgeGrowth(flat.t, flat.v, 120, TOL);
    expect(verdict.levelsOff).toBe(true);
    expect(verdict.halfTolerance).toBeGreaterThan(TOL.floorMiB);
    expect(verdict.quarterTolerance).toBeGreaterThan(TOL.floorMiB);
    // The same noise on a leak of 1 MiB a minute: over half an hour the growth stands out.
    const leak = series(30, (s) => 85 + s / 60 + jitter(s));
    expect(judgeGrowth(leak.t, leak.v, 300, TOL).levelsOff).toBe(false);
  });

  it('leaves out the samples before the warm-up, so that the ramp does not count as growth', () => {
    const { t, v } = series(10, (s) => (s < 120 ? 20 + s : 140), 0.2);
    const all = judgeGrowth(t, v, 0, TOL);
    const steady = judgeGrowth(t, v, 120, TOL);
    expect(all.firstSlope).toBeGreaterThan(10);
    expect(steady.samples).toBe(all.samples - 12);
    expect(Math.abs(steady.firstSlope)).toBeLessThan(0.5);
    expect(steady.levelsOff).toBe(true);
  });

  it('holds a large series to a share of its level, a small one to the floor', () => {
    const big = series(30, (s) => 2000 + s / 200); // +4.5 MiB over the last half of 2 GiB: within 2%
    expect(judgeGrowth(big.t, big.v, 0, TOL)).toMatchObject({ levelsOff: true, tolerance: expect.closeTo(40.1, 0) });
    const small = series(30, (s) => 50 + s / 200);
    expect(judgeGrowth(small.t, small.v, 0, TOL)).toMatchObject({ levelsOff: false, tolerance: 2 });
  });

  it('gives no verdict with too few samples after the warm-up, and ignores samples that are not numbers', () => {
    const t = Array.from({ length: 2 * MIN_JUDGED_SAMPLES }, (_, i) => i * 10);
    const v = t.map((s) => (s % 20 ? Number.NaN : 100 + s));
    expect(judgeGrowth(t, v, 0, TOL)).toMatchObject({ levelsOff: false, samples: MIN_JUDGED_SAMPLES });
    expect(judgeGrowth(t, v, 10, TOL)).toMatchObject({ levelsOff: undefined, samples: MIN_JUDGED_SAMPLES - 1 });
    expect(judgeGrowth(t.slice(0, 7), t.slice(0, 7), 0, TOL)).toMatchObject({ levelsOff: undefined, samples: 7, text: 'no verdict: 7 samples after the warm-up, 8 needed' });
  });

  it('throws a RangeError when times and values differ in length', () => {
    expect(() => judgeGrowth([0, 1], [1], 0, TOL)).toThrow(RangeError);
  });
});
