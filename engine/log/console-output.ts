/**
 * The console output: human-readable lines coloured by level with winston's colorizer, written
 * through a bounded {@link StreamTransport}.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import { formatConsoleLine } from './line-format.js';
import type { LogRecord } from './log-record.js';
import { StreamTransport } from './stream-transport.js';
import type { LogLevel } from './types.js';
import { recordFormat } from './winston-info.js';

/** Console output settings. */
export interface ConsoleOptions {
  /** Colour the level name (default: when the stream is a TTY). */
  colors?: boolean;
  /** Where console lines go (default `process.stdout`); it is never ended by the logger. */
  stream?: Writable;
  /** Lines are dropped while this many bytes wait on the stream (default 1 MiB). */
  maxBufferedBytes?: number;
}

const LEVEL_COLORS: Readonly<Record<LogLevel, string>> = { error: 'red', warn: 'yellow', info: 'green', debug: 'blue' };

/**
 * Builds the console transport for a logger.
 *
 * @param setting `true` for the defaults, `false` for no console, or {@link ConsoleOptions}.
 * @param maxLineLength cap on a line's serialized fields, in characters.
 * @param noticeRecord the record announcing `count` lines dropped while the console was slow.
 * @returns the transport, or `undefined` when `setting` is `false`.
 * @throws RangeError when `maxBufferedBytes` is not positive.
 */
export function createConsoleTransport(
  setting: boolean | ConsoleOptions,
  maxLineLength: number,
  noticeRecord: (count: number) => LogRecord,
): StreamTransport | undefined {
  if (setting === false) return undefined;
  const settings = setting === true ? {} : setting;
  const stream = settings.stream ?? process.stdout;
  const colors = settings.colors ?? (stream as { isTTY?: boolean }).isTTY === true;
  // Passing the colours here registers them with logform's colorizer (shared by every winston
  // user in the process); they are winston's own npm-level colours, so nothing else changes.
  const colorizer = winston.format.colorize({ colors: LEVEL_COLORS });
  const colorize = colors ? (level: LogLevel, text: string) => colorizer.colorize(level, text) : undefined;
  return new StreamTransport({
    stream,
    maxBufferedBytes: settings.maxBufferedBytes,
    format: recordFormat((record) => formatConsoleLine(record, { colorize, maxLength: maxLineLength })),
    droppedNotice: (count) => formatConsoleLine(noticeRecord(count), { colorize, maxLength: maxLineLength }),
  });
}
