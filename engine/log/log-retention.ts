/**
 * Deletes old rotated log files: those dated before the retention window, then the oldest ones
 * past the file-count and total-size caps. Only files named by `logFileName` for this basename
 * are ever touched, and the file being written is never deleted.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { compareLogFileIds, parseLogFileName, utcDate, type LogFileId } from './log-file-name.js';

/** How much log history to keep. Each cap may be `Infinity`. */
export interface RetentionPolicy {
  /** Keep the files of the last `maxDays` UTC dates, today included (1 keeps only today's). */
  maxDays: number;
  /** Keep at most this many files, the active one included. */
  maxFiles: number;
  /** Keep at most this many bytes of files, the active one included. */
  maxTotalBytes: number;
}

/** What {@link pruneLogFiles} works on. */
export interface PruneOptions extends RetentionPolicy {
  dir: string;
  basename: string;
  /** Epoch milliseconds that define "today". */
  now: number;
  /** The active file's name: counted against the caps, never deleted. */
  active: string;
}

const DAY_MS = 86_400_000;

/**
 * Applies `options`' retention policy to the log directory.
 *
 * @returns the names deleted, oldest first.
 * @throws the first failure to list the directory or delete a file (after trying every deletion);
 *   a file that vanished meanwhile is not a failure.
 */
export async function pruneLogFiles(options: PruneOptions): Promise<string[]> {
  const files: Array<LogFileId & { name: string; size: number }> = [];
  for (const name of await readdir(options.dir)) {
    const id = parseLogFileName(options.basename, name);
    if (id) files.push({ ...id, name, size: 0 });
  }
  // The active file counts against the caps even before its stream has created it on disk.
  const active = parseLogFileName(options.basename, options.active);
  if (active && !files.some((file) => file.name === options.active)) files.push({ ...active, name: options.active, size: 0 });
  if (Number.isFinite(options.maxTotalBytes)) {
    await Promise.all(files.map(async (file) => {
      file.size = await stat(join(options.dir, file.name)).then((s) => s.size, () => 0);
    }));
  }
  files.sort((a, b) => compareLogFileIds(b, a));

  const oldestKeptDate = Number.isFinite(options.maxDays) ? utcDate(options.now - (options.maxDays - 1) * DAY_MS) : '';
  const doomed: string[] = [];
  let keptFiles = 0;
  let keptBytes = 0;
  let cut = false;
  // Newest first: files survive until the first one outside the window or over a cap; everything
  // older goes too, so a small old file never outlives a bigger newer one.
  for (const file of files) {
    cut ||= file.date < oldestKeptDate || keptFiles >= options.maxFiles || keptBytes + file.size > options.maxTotalBytes;
    if (!cut || file.name === options.active) {
      keptFiles++;
      keptBytes += file.size;
    } else {
      doomed.push(file.name);
    }
  }
  doomed.reverse();

  let firstError: unknown;
  for (const name of doomed) {
    try {
      await unlink(join(options.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') firstError ??= err;
    }
  }
  if (firstError !== undefined) throw firstError;
  return doomed;
}
