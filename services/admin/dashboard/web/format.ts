/**
 * How the dashboard writes numbers: counts with thousands separators, milliseconds, CPU as a
 * percentage, bytes in binary units, uptimes in the largest two units. A value not measured
 * (undefined, null, NaN) is written as a dash.
 */

/** What the dashboard writes for a value it does not have. */
export const DASH = '\u2014';

function measured(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A count: `1,234`. */
export function formatCount(count: number | null | undefined): string {
  return measured(count) ? Math.round(count).toLocaleString('en-US') : DASH;
}

/** Milliseconds: `0.42 ms`, `12.3 ms`, `1,234 ms`. */
export function formatMs(ms: number | null | undefined): string {
  if (!measured(ms)) return DASH;
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ms`;
}

/** CPU use in cores: 0.125 is `12.5%` (of one core), 1.5 is `150.0%`. */
export function formatCpu(fraction: number | null | undefined): string {
  return measured(fraction) ? `${(fraction * 100).toFixed(1)}%` : DASH;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Bytes: `512 B`, `1.5 KiB`, `42.0 MiB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (!measured(bytes)) return DASH;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** How long since `sinceMs` at `nowMs` (both epoch milliseconds): `45 s`, `3 min 5 s`, `2 h 10 min`, `4 d 3 h`. */
export function formatUptime(sinceMs: number | null | undefined, nowMs: number): string {
  if (!measured(sinceMs)) return DASH;
  const seconds = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A clock time in UTC for axis ticks and status lines: `21:05:09`. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

/** Which servers answered a poll: `all 3 servers answered`, `1 of 3 servers did not answer`. */
export function formatAnswered(total: number, silent: number): string {
  if (silent === 0) return total === 1 ? 'the server answered' : `all ${total} servers answered`;
  return `${silent} of ${total} server${total === 1 ? '' : 's'} did not answer`;
}
