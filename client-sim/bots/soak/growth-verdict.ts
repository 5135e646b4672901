/**
 * Whether a memory series sampled during a soak levels off. The rule, on the samples taken after
 * the warm-up (the ramp, and the first part of the steady load while caches and pools fill):
 *
 * 1. Split them into halves and fit a straight line to each (least squares). The last half's
 *    rise by its line must stay within the tolerance, or its slope must be at most a quarter of
 *    the first half's (growth that is dying away: a curve closing in on its plateau).
 * 2. Split them into quarters: the last quarter's mean may exceed the third quarter's by at most
 *    the tolerance.
 *
 * Both must hold. The tolerance is the largest of an absolute floor (MiB), a share of the last
 * half's mean, and twice the noise of what is compared (the standard error of the last half's
 * rise along its line; of the difference of the two quarters' means): a heap that a game's state
 * moves by megabytes from one sample to the next does not fail a short soak by chance, while a
 * leak that grows steadily fails both tests, whatever its rate, once the soak is long enough for
 * its growth to stand out. With fewer than {@link MIN_JUDGED_SAMPLES} samples after the warm-up
 * there is no verdict.
 */

/** Samples after the warm-up needed for a verdict (two per quarter). */
export const MIN_JUDGED_SAMPLES = 8;

/** How much rise is noise rather than growth. */
export interface GrowthTolerance {
  /** Rise, in MiB, that always passes. */
  floorMiB: number;
  /** Rise, as a share of the last half's mean (0.02 is 2%), that passes. */
  share: number;
}

/** What {@link judgeGrowth} found. */
export interface GrowthVerdict {
  /** True: it levels off; false: it keeps growing; undefined: too few samples to say. */
  levelsOff: boolean | undefined;
  /** Slopes of the first and last halves' lines, MiB per minute. */
  firstSlope: number;
  lastSlope: number;
  /** The last half's rise by its line, MiB. */
  lastHalfRise: number;
  /** The last quarter's mean minus the third quarter's, MiB. */
  lastQuarterRise: number;
  /** The floor or share of the level the rises were held to at least, MiB. */
  tolerance: number;
  /** What each rise was held to: the tolerance, or twice its noise when that is larger, MiB. */
  halfTolerance: number;
  quarterTolerance: number;
  /** Samples judged (after the warm-up). */
  samples: number;
  /** The verdict in words, e.g. `levels off: last half +0.4 MiB (tolerance 2.0), ...`. */
  text: string;
}

/**
 * Judges one series by the rule in the module comment.
 * @param t sample times in seconds, ascending.
 * @param values the samples in MiB, one per time.
 * @param warmupS samples before this time are left out.
 * @throws RangeError when `t` and `values` differ in length.
 */
export function judgeGrowth(t: readonly number[], values: readonly number[], warmupS: number, tolerance: GrowthTolerance): GrowthVerdict {
  if (t.length !== values.length) throw new RangeError(`judgeGrowth: ${t.length} times but ${values.length} values`);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < t.length; i++) if (t[i]! >= warmupS && Number.isFinite(values[i])) points.push([t[i]!, values[i]!]);
  const n = points.length;
  const half = Math.floor(n / 2);
  const firstHalf = points.slice(0, half);
  const lastHalf = points.slice(n - half);
  const quarter = Math.floor(n / 4);
  const allowed = Math.max(tolerance.floorMiB, tolerance.share * mean(lastHalf));
  if (n < MIN_JUDGED_SAMPLES) {
    return { levelsOff: undefined, firstSlope: NaN, lastSlope: NaN, lastHalfRise: NaN, lastQuarterRise: NaN, tolerance: allowed, halfTolerance: NaN, quarterTolerance: NaN, samples: n, text: `no verdict: ${n} samples after the warm-up, ${MIN_JUDGED_SAMPLES} needed` };
  }
  const first = fit(firstHalf);
  const last = fit(lastHalf);
  const firstSlope = first.slope * 60;
  const lastSlope = last.slope * 60;
  const span = lastHalf[lastHalf.length - 1]![0] - lastHalf[0]![0];
  const lastHalfRise = last.slope * span;
  const third = points.slice(n - 2 * quarter, n - quarter);
  const fourth = points.slice(n - quarter);
  const lastQuarterRise = mean(fourth) - mean(third);
  const halfTolerance = Math.max(allowed, 2 * last.slopeError * span);
  const quarterTolerance = Math.max(allowed, 2 * Math.sqrt(variance(third) / third.length + variance(fourth) / fourth.length));
  const halfLevels = lastHalfRise <= halfTolerance || lastSlope <= firstSlope / 4;
  const quarterLevels = lastQuarterRise <= quarterTolerance;
  const levelsOff = halfLevels && quarterLevels;
  const why = levelsOff ? 'levels off' : !halfLevels ? 'keeps growing: the last half rises beyond the tolerance and as fast as the first' : 'keeps growing: the last quarter is above the one before beyond the tolerance';
  const text = `${why}; last half ${signed(lastHalfRise)} MiB (tolerance ${halfTolerance.toFixed(1)}), last quarter ${signed(lastQuarterRise)} MiB (tolerance ${quarterTolerance.toFixed(1)}); slope ${signed(firstSlope, 2)} then ${signed(lastSlope, 2)} MiB/min over ${n} samples`;
  return { levelsOff, firstSlope, lastSlope, lastHalfRise, lastQuarterRise, tolerance: allowed, halfTolerance, quarterTolerance, samples: n, text };
}

function mean(points: ReadonlyArray<[number, number]>): number {
  let sum = 0;
  for (const [, v] of points) sum += v;
  return points.length ? sum / points.length : 0;
}

// Sample variance of the values; 0 for fewer than two.
function variance(points: ReadonlyArray<[number, number]>): number {
  if (points.length < 2) return 0;
  const m = mean(points);
  let sum = 0;
  for (const [, v] of points) sum += (v - m) ** 2;
  return sum / (points.length - 1);
}

// Least-squares line of v over t: its slope per second, and the slope's standard error (from the
// residuals); both 0 when all times are equal.
function fit(points: ReadonlyArray<[number, number]>): { slope: number; slopeError: number } {
  const mt = points.reduce((sum, [t]) => sum + t, 0) / points.length;
  const mv = mean(points);
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  if (den === 0) return { slope: 0, slopeError: 0 };
  const slope = num / den;
  let residuals = 0;
  for (const [t, v] of points) residuals += (v - mv - slope * (t - mt)) ** 2;
  const slopeError = points.length > 2 ? Math.sqrt(residuals / (points.length - 2) / den) : 0;
  return { slope, slopeError };
}

function signed(v: number, digits = 1): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}
