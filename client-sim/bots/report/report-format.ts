/**
 * How the report writes numbers: latencies in milliseconds, rates as percentages, counts with
 * thousands separators, durations in minutes and seconds. A value that was not measured (NaN,
 * null) is written as a dash.
 */

const DASH = '\u2014';

function measured(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A latency: `0.42 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number | null | undefined): string {
  if (!measured(ms)) return DASH;
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/** A count: `1,234,567`. */
export function formatCount(count: number | null | undefined): string {
  return measured(count) ? Math.round(count).toLocaleString('en-US') : DASH;
}

/** A fraction as a percentage: 0.0012 is `0.12%`, with more digits for smaller rates. */
export function formatPercent(rate: number | null | undefined): string {
  if (!measured(rate)) return DASH;
  const percent = rate * 100;
  const digits = percent === 0 || percent >= 1 ? 1 : percent >= 0.1 ? 2 : 3;
  return `${percent.toFixed(digits)}%`;
}

/** Per second: `1,234.5/s`. */
export function formatPerSecond(perSecond: number | null | undefined): string {
  if (!measured(perSecond)) return DASH;
  return `${perSecond.toLocaleString('en-US', { maximumFractionDigits: 1 })}/s`;
}

/** A duration: `850 ms`, `45 s`, `2 min 30 s`, `1 h 5 min`. */
export function formatDuration(ms: number | null | undefined): string {
  if (!measured(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
