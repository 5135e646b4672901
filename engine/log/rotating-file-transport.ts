/**
 * A winston transport that writes to `<dir>/<basename>-YYYY-MM-DD.log` (UTC, from the injected
 * clock), starts `<basename>-YYYY-MM-DD.1.log`, `.2.log`, … when a file would pass
 * `maxFileBytes`, and prunes old files by age, count and total size.
 *
 * The write path never touches fs synchronously: lines go to an async write stream through a
 * {@link BoundedWriter}, so a slow disk drops lines (counted, then announced) rather than
 * blocking the event loop or growing memory. Only the constructor uses sync fs, once, to create
 * the directory and find where today's files left off.
 */
import { createWriteStream, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import TransportStream from 'winston-transport';
import type { Clock } from '../timer/clock.js';
import { BoundedWriter } from './bounded-writer.js';
import { assertBasename, logFileName, nextUtcMidnight, parseLogFileName, utcDate } from './log-file-name.js';
import { pruneLogFiles, type RetentionPolicy } from './log-retention.js';
import { reportOnceToStderr, type LogErrorReporter } from './report-once.js';
import { lineOf } from './winston-info.js';

/** Where log files go and how much of them to keep. Every cap has a default in {@link ROTATING_FILE_DEFAULTS}. */
export interface RotatingFileOptions {
  /** Directory for the files; created if missing. */
  dir: string;
  /** File name prefix; must not contain a path separator. `createLogger` defaults it to the server id. */
  basename?: string;
  /** A file is rotated before a line would take it past this size (a single longer line still fits). */
  maxFileBytes?: number;
  /** Keep the files of the last `maxDays` UTC dates, today included. */
  maxDays?: number;
  /** Keep at most this many files, the active one included. */
  maxFiles?: number;
  /** Keep at most this many bytes of files, the active one included. */
  maxTotalBytes?: number;
  /** Lines are dropped while this many bytes wait for the disk. */
  maxBufferedBytes?: number;
  /** Opens the stream for a file path (default: `fs.createWriteStream(path, { flags: 'a' })`). */
  createStream?: (path: string) => Writable;
  /** Receives open, write and prune failures (default: the first one is written to stderr). */
  reportError?: LogErrorReporter;
}

/** Defaults for {@link RotatingFileOptions}. */
export const ROTATING_FILE_DEFAULTS = {
  maxFileBytes: 64 * 1024 * 1024,
  maxDays: 14,
  maxFiles: 100,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxBufferedBytes: 8 * 1024 * 1024,
} as const;

/** Options for {@link RotatingFileTransport}. */
export interface RotatingFileTransportOptions extends RotatingFileOptions {
  basename: string;
  /** The source of "today" and of the retry back-off. */
  clock: Clock;
  /** Renders each info into `info[MESSAGE]`, e.g. `recordFormat(formatJsonLine)`. */
  format: TransportStream.TransportStreamOptions['format'];
  /** The line (without newline) written after `count` lines were dropped (default: a bare JSON line). */
  droppedNotice?: (count: number) => string;
}

/** After a file fails to open or write, lines are dropped for this long before it is reopened. */
const REOPEN_DELAY_MS = 5_000;

/** The rotating, pruning, bounded file transport. */
export class RotatingFileTransport extends TransportStream {
  private readonly dir: string;
  private readonly basename: string;
  private readonly clock: Clock;
  private readonly maxFileBytes: number;
  private readonly retention: RetentionPolicy;
  private readonly createStream: (path: string) => Writable;
  private readonly report: LogErrorReporter;
  private readonly writer: BoundedWriter;

  private date = '';
  private dayEndsAt = 0;
  private index = 0;
  private size = 0;
  private fileName = '';
  private stream: Writable | undefined;
  private reopenAt = 0;
  private readonly retiring = new Set<Promise<void>>();
  private pruning: Promise<void> | undefined;
  private pruneAgain = false;
  private stopped = false;
  private closing: Promise<void> | undefined;

  /**
   * Creates the directory, resumes today's newest file, opens it and starts a prune.
   * @param options see {@link RotatingFileTransportOptions}; caps default to {@link ROTATING_FILE_DEFAULTS}.
   * @throws RangeError for a bad basename or a cap that is not a positive number.
   * @throws the fs error when the directory cannot be created or listed.
   */
  constructor(options: RotatingFileTransportOptions) {
    super({ format: options.format });
    assertBasename(options.basename);
    this.dir = options.dir;
    this.basename = options.basename;
    this.clock = options.clock;
    this.maxFileBytes = positive('maxFileBytes', options.maxFileBytes ?? ROTATING_FILE_DEFAULTS.maxFileBytes);
    this.retention = {
      maxDays: positive('maxDays', options.maxDays ?? ROTATING_FILE_DEFAULTS.maxDays),
      maxFiles: positive('maxFiles', options.maxFiles ?? ROTATING_FILE_DEFAULTS.maxFiles),
      maxTotalBytes: positive('maxTotalBytes', options.maxTotalBytes ?? ROTATING_FILE_DEFAULTS.maxTotalBytes),
    };
    this.createStream = options.createStream ?? ((path) => createWriteStream(path, { flags: 'a' }));
    this.report = options.reportError ?? reportOnceToStderr(`file output in ${options.dir}`);
    this.writer = new BoundedWriter({
      maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? ROTATING_FILE_DEFAULTS.maxBufferedBytes),
      droppedNotice:
        options.droppedNotice ??
        ((count) => JSON.stringify({ timestamp: new Date(this.clock.now()).toISOString(), level: 'warn', message: `log: dropped ${count} lines while the disk was slow`, dropped: count })),
    });

    mkdirSync(this.dir, { recursive: true });
    this.resumeToday(this.clock.now());
    this.open(this.clock.now());
    this.schedulePrune();
  }

  /** Lines dropped so far, bytes waiting for the disk, and the path being written. */
  get stats(): { droppedLines: number; bufferedBytes: number; path: string } {
    return { droppedLines: this.writer.droppedLines, bufferedBytes: this.writer.bufferedBytes, path: join(this.dir, this.fileName) };
  }

  /** Called by winston for each accepted info; always calls back at once so winston never queues. */
  override log(info: unknown, next: () => void): void {
    if (!this.stopped) this.writeLine(lineOf(info));
    next();
  }

  /**
   * Stops accepting lines, waits for queued lines to reach the disk, ends the file and waits for
   * a running prune. Resolves only when the disk has taken every queued line, so a disk that never
   * answers keeps it pending: a shutdown that must finish puts a deadline on it. Safe to call twice.
   */
  override close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      // Drain before ending, so a pending dropped-lines notice can still be written.
      await this.writer.drained();
      if (this.stream) this.retire(this.stream);
      this.stream = undefined;
      await Promise.all(this.retiring);
      while (this.pruning) await this.pruning;
    })();
    return this.closing;
  }

  private writeLine(line: string): void {
    const now = this.clock.now();
    const bytes = Buffer.byteLength(line) + 1;
    if (now >= this.dayEndsAt) this.rotate(now, utcDate(now), 0);
    else if (this.size > 0 && this.size + bytes > this.maxFileBytes) this.rotate(now, this.date, this.index + 1);
    if (!this.stream && now >= this.reopenAt) this.open(now);
    if (this.stream) this.size += this.writer.write(this.stream, line);
    else this.writer.drop();
  }

  /** Finds today's newest file so a restart appends to it instead of starting over at index 0. */
  private resumeToday(now: number): void {
    this.date = utcDate(now);
    this.dayEndsAt = nextUtcMidnight(now);
    this.index = 0;
    for (const name of readdirSync(this.dir)) {
      const id = parseLogFileName(this.basename, name);
      if (id?.date === this.date && id.index > this.index) this.index = id.index;
    }
    try {
      this.size = statSync(join(this.dir, logFileName(this.basename, this.date, this.index))).size;
    } catch {
      this.size = 0;
    }
    if (this.size >= this.maxFileBytes) {
      this.index++;
      this.size = 0;
    }
  }

  private rotate(now: number, date: string, index: number): void {
    if (this.stream) this.retire(this.stream);
    this.stream = undefined;
    this.date = date;
    this.dayEndsAt = nextUtcMidnight(now);
    this.index = index;
    this.size = 0;
    this.open(now);
    this.schedulePrune();
  }

  private open(now: number): void {
    this.fileName = logFileName(this.basename, this.date, this.index);
    try {
      const stream = this.createStream(join(this.dir, this.fileName));
      stream.on('error', (err) => this.onStreamError(stream, err));
      this.stream = stream;
    } catch (err) {
      this.report(err);
      this.reopenAt = now + REOPEN_DELAY_MS;
    }
  }

  private onStreamError(stream: Writable, err: Error): void {
    this.report(err);
    if (stream !== this.stream) return;
    // Drop lines for a while rather than reopening on every line while the disk is failing.
    this.stream = undefined;
    this.reopenAt = this.clock.now() + REOPEN_DELAY_MS;
    stream.destroy();
    // The directory was removed under us: recreate it so the reopen can succeed.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') mkdir(this.dir, { recursive: true }).catch(this.report);
  }

  /** Ends a stream in the background; close() waits for every retired stream to finish. */
  private retire(stream: Writable): void {
    const done = finished(stream).catch(() => undefined);
    this.retiring.add(done);
    void done.then(() => this.retiring.delete(done));
    stream.end();
  }

  /** Runs a prune now, or once more after the running one when one is already going. */
  private schedulePrune(): void {
    if (this.pruning) {
      this.pruneAgain = true;
      return;
    }
    this.pruning = (async () => {
      do {
        this.pruneAgain = false;
        try {
          await pruneLogFiles({ ...this.retention, dir: this.dir, basename: this.basename, now: this.clock.now(), active: this.fileName });
        } catch (err) {
          this.report(err);
        }
      } while (this.pruneAgain);
      this.pruning = undefined;
    })();
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be a positive number or Infinity, got ${value}`);
  return value;
}
