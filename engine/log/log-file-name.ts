/**
 * Names of rotated log files: `<basename>-YYYY-MM-DD.log`, then `<basename>-YYYY-MM-DD.1.log`,
 * `.2.log`, … for the size rotations of the same UTC day.
 */

/** A parsed log file name. */
export interface LogFileId {
  /** UTC date, `YYYY-MM-DD`. */
  date: string;
  /** 0 for the day's first file, then 1, 2, … */
  index: number;
}

const DAY_MS = 86_400_000;
const SUFFIX = /^(\d{4}-\d{2}-\d{2})(?:\.([1-9]\d{0,8}))?\.log$/;

/**
 * The UTC calendar date of an epoch time.
 * @param ms epoch milliseconds.
 * @returns `YYYY-MM-DD`.
 * @throws RangeError when `ms` is not a valid time.
 */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The epoch time at which the UTC day containing `ms` ends.
 * @param ms epoch milliseconds.
 */
export function nextUtcMidnight(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/**
 * The file name for one day's `index`-th file.
 * @param basename file name prefix, see {@link assertBasename}.
 * @param date `YYYY-MM-DD`.
 * @param index 0 for the day's first file.
 */
export function logFileName(basename: string, date: string, index: number): string {
  return index === 0 ? `${basename}-${date}.log` : `${basename}-${date}.${index}.log`;
}

/**
 * Parses a name made by {@link logFileName} for `basename`.
 * @returns the date and index, or `undefined` for any other file (which retention never touches).
 */
export function parseLogFileName(basename: string, fileName: string): LogFileId | undefined {
  if (!fileName.startsWith(`${basename}-`)) return undefined;
  const match = SUFFIX.exec(fileName.slice(basename.length + 1));
  if (!match?.[1]) return undefined;
  return { date: match[1], index: match[2] ? Number(match[2]) : 0 };
}

/** Orders file ids oldest first: by date, then by index. */
export function compareLogFileIds(a: LogFileId, b: LogFileId): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index;
}

/**
 * Checks that `basename` can prefix a file name in the log directory.
 * @throws RangeError when it is empty or contains a path separator, a NUL or `..`.
 */
export function assertBasename(basename: string): void {
  if (basename === '' || /[/\\\0]/.test(basename) || basename.includes('..')) {
    throw new RangeError(`log file basename must be a plain file name prefix, got ${JSON.stringify(basename)}`);
  }
}
