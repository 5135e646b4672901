/**
 * The sustained rate of a bot run: the median of its per-second request counts over the steady
 * part (after the ramp, before the stop). A median, not the mean: a second in which the machine
 * served something else (a garbage collection, another process) moves it little.
 */
import type { RunSummary } from '../../client-sim/bots/run-summary.js';

/**
 * The median requests per second of the seconds in [rampMs, rampMs + durationMs) of the run.
 * @returns NaN when no second of the steady part was measured.
 */
export function steadyRate(series: Pick<RunSummary['series'], 't' | 'requestsPerSecond'>, rampMs: number, durationMs: number): number {
  const steady = series.t
    .map((t, i) => [t * 1_000, series.requestsPerSecond[i]!] as const)
    .filter(([atMs, rate]) => atMs >= rampMs && atMs < rampMs + durationMs && Number.isFinite(rate))
    .map(([, rate]) => rate)
    .sort((a, b) => a - b);
  if (steady.length === 0) return NaN;
  const mid = steady.length >> 1;
  return steady.length % 2 === 1 ? steady[mid]! : (steady[mid - 1]! + steady[mid]!) / 2;
}
