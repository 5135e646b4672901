/**
 * The glue between a {@link LogRecord} and winston's `info` objects: the logger sends an info
 * that carries the record, a per-transport format renders the record into `info[MESSAGE]`, and
 * the transport writes that string.
 */
import winston from 'winston';
import type { LogRecord } from './log-record.js';

/** triple-beam's MESSAGE symbol (a registered symbol, so no import of that package is needed). */
export const MESSAGE: unique symbol = Symbol.for('message');

/** The info object winston carries for one record. */
export interface RecordInfo {
  level: string;
  message: string;
  record: LogRecord;
  [MESSAGE]?: string;
}

/**
 * The info object to hand to `winston.Logger.log` for `record`.
 * @param record the resolved log call.
 */
export function recordInfo(record: LogRecord): RecordInfo {
  return { level: record.level, message: record.message, record };
}

/**
 * A winston format that renders each info's record with `toLine` into `info[MESSAGE]`.
 * An info that did not come from {@link recordInfo} (none should) is left alone, and
 * {@link lineOf} falls back to its bare message.
 *
 * @param toLine a formatter such as `formatJsonLine`; it must not throw.
 */
export function recordFormat(toLine: (record: LogRecord) => string): winston.Logform.Format {
  return winston.format((info) => {
    const record = (info as Partial<RecordInfo>).record;
    if (record) info[MESSAGE] = toLine(record);
    return info;
  })();
}

/**
 * The rendered line of an info that passed through {@link recordFormat}.
 * @param info what winston handed to a transport's `log`.
 * @returns `info[MESSAGE]`, or the bare message when no format ran.
 */
export function lineOf(info: unknown): string {
  const rendered = (info as { [MESSAGE]?: unknown })[MESSAGE];
  return typeof rendered === 'string' ? rendered : String((info as { message?: unknown }).message);
}
