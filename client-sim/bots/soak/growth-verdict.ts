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
 * Both must hold. The tolerance is the larger of an absolute floor (MiB) and a share of the last
 * half's mean, so that noise on a flat series and a small server's jitter both pass, while a
 * leak that grows steadily fails both tests whatever its rate. With fewer than
 * {@link MIN_JUDGED_SAMPLES} samples after the warm-up there is no verdict.
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
  /** The tolerance both rises were held to, MiB. */
  tolerance: number;
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
    return { levelsOff: undefined, firstSlope: NaN, lastSlope: NaN, lastHalfRise: NaN, lastQuarterRise: NaN, tolerance: allowed, samples: n, text: `no verdict: ${n} samples after the warm-up, ${MIN_JUDGED_SAMPLES} needed` };
  }
  const firstSlope = slope(firstHalf) * 60;
  const lastSlope = slope(lastHalf) * 60;
  const lastHalfRise = (lastSlope / 60) * (lastHalf[lastHalf.length - 1]![0] - lastHalf[0]![0]);
  const lastQuarterRise = mean(points.slice(n - quarter)) - mean(points.slice(n - 2 * quarter, n - quarter));
  const halfLevels = lastHalfRise <= allowed || lastSlope <= firstSlope / 4;
  const quarterLevels = lastQuarterRise <= allowed;
  const levelsOff = halfLevels && quarterLevels;
  const why = levelsOff ? 'levels off' : !halfLevels ? 'keeps growing: the last half rises beyond the tolerance and as fast as the first' : 'keeps growing: the last quarter is above the one before beyond the tolerance';
  const text = `${why}; last half ${signed(lastHalfRise)} MiB, last quarter ${signed(lastQuarterRise)} MiB (tolerance ${allowed.toFixed(1)}); slope ${signed(firstSlope, 2)} then ${signed(lastSlope, 2)} MiB/min over ${n} samples`;
  return { levelsOff, firstSlope, lastSlope, lastHalfRise, lastQuarterRise, tolerance: allowed, samples: n, text };
}

function mean(points: ReadonlyArray<[number, number]>): number {
  let sum = 0;
  for (const [, v] of points) sum += v;
  return points.length ? sum / points.length : 0;
}

// Least-squares slope of v over t, per second; 0 when all times are equal.
function slope(points: ReadonlyArray<[number, number]>): number {
  let st = 0;
  let sv = 0;
  for (const [t, v] of points) {
    st += t;
    sv += v;
  }
  const mt = st / points.length;
  const mv = sv / points.length;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

function signed(v: number, digits = 1): string {
  return `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
}
