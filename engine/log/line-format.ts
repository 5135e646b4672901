/**
 * The two line layouts: one JSON object per line for files, and a compact coloured line for
 * people at a console. Both are bounded and neither throws.
 *
 *   console: 2026-11-21T13:00:00.000Z info  [lobby-1 sess=abc ent=xyz trace=t1] message {"extra":1}
 *   file:    {"timestamp":"2026-11-21T13:00:00.000Z","level":"info","serverId":"lobby-1","sessionId":"abc",…,"message":"message","extra":1}
 */
import { CONTEXT_KEYS, type LogRecord } from './log-record.js';
import { safeJsonStringify } from './safe-json.js';
import { serializeError, type SerializedError } from './serialize-error.js';
import type { LogLevel } from './types.js';

/** Default cap on a line's serialized fields, in characters. */
export const DEFAULT_MAX_LINE_LENGTH = 16_384;

/** Keys a file line sets itself; a meta field with one of these names is written as `_<name>`. */
const RESERVED_KEYS = new Set(['timestamp', 'level', 'serverId', 'message']);
const CONTEXT_KEY_SET: ReadonlySet<string> = new Set(CONTEXT_KEYS);
const CONSOLE_TAGS: Record<(typeof CONTEXT_KEYS)[number], string> = { sessionId: 'sess', entityId: 'ent', traceId: 'trace', spanId: 'span', traceFlags: 'flags' };

/**
 * A file line: one JSON object with `timestamp`, `level`, `serverId`, the context ids that are
 * known, `message`, then every other field; `err` is expanded with {@link serializeError}.
 *
 * @param record the log call.
 * @param maxLength cap on the line's length (default {@link DEFAULT_MAX_LINE_LENGTH}); past it
 *   fields are cut and marked, and the line stays valid JSON.
 * @returns the line without its trailing newline.
 */
export function formatJsonLine(record: LogRecord, maxLength = DEFAULT_MAX_LINE_LENGTH): string {
  try {
    const out = Object.create(null) as Record<string, unknown>;
    out.timestamp = new Date(record.time).toISOString();
    out.level = record.level;
    out.serverId = record.serverId;
    for (const key of CONTEXT_KEYS) if (record.fields[key] !== undefined) out[key] = record.fields[key];
    out.message = record.message;
    for (const key of Object.keys(record.fields)) {
      if (CONTEXT_KEY_SET.has(key)) continue;
      const value = record.fields[key];
      out[RESERVED_KEYS.has(key) ? `_${key}` : key] = key === 'err' ? serializeError(value) : value;
    }
    return safeJsonStringify(out, { maxLength });
  } catch (err) {
    return safeJsonStringify({ level: record.level, serverId: record.serverId, message: record.message, logFormatError: String(err) }, { maxLength });
  }
}

/** Options for {@link formatConsoleLine}. */
export interface ConsoleLineOptions {
  /** Wraps the padded level name in colour codes; absent: no colours. */
  colorize?: (level: LogLevel, text: string) => string;
  /** Cap on the serialized fields and, separately, on the error block (default {@link DEFAULT_MAX_LINE_LENGTH}). */
  maxLength?: number;
}

/**
 * A console line: timestamp, level, `[serverId sess=… ent=… trace=…]`, message, the other fields
 * as compact JSON, and for an `err` field its stack and cause chain on the following lines,
 * indented.
 *
 * @param record the log call.
 * @param options colours and caps; see {@link ConsoleLineOptions}.
 * @returns the line (several lines when there is an error) without a trailing newline.
 */
export function formatConsoleLine(record: LogRecord, options: ConsoleLineOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LINE_LENGTH;
  try {
    const levelText = record.level.padEnd(5);
    let tags = record.serverId;
    for (const key of CONTEXT_KEYS) {
      const value = record.fields[key];
      if (value !== undefined) tags += ` ${CONSOLE_TAGS[key]}=${printable(value)}`;
    }
    const message = record.message.length > maxLength ? `${record.message.slice(0, maxLength)}…[+${record.message.length - maxLength} chars]` : record.message;
    let line = `${new Date(record.time).toISOString()} ${options.colorize ? options.colorize(record.level, levelText) : levelText} [${tags}] ${message}`;

    const rest = Object.create(null) as Record<string, unknown>;
    let hasRest = false;
    for (const key of Object.keys(record.fields)) {
      if (CONTEXT_KEY_SET.has(key) || key === 'err') continue;
      rest[key] = record.fields[key];
      hasRest = true;
    }
    if (hasRest) line += ` ${safeJsonStringify(rest, { maxLength })}`;
    if (record.fields.err !== undefined) line += `\n${errorBlock(serializeError(record.fields.err), maxLength)}`;
    return line;
  } catch (err) {
    return `${record.level} [${record.serverId}] ${record.message} (log format failed: ${String(err)})`;
  }
}

/** The error, its AggregateError members and its causes, each as `[code] stack`, indented. */
function errorBlock(top: SerializedError, maxLength: number): string {
  const lines: string[] = [];
  const render = (e: SerializedError, prefix: string): void => {
    const code = e.code === undefined ? '' : `[${printable(e.code)}] `;
    lines.push(prefix + code + (e.stack ?? `${e.name}: ${e.message}`));
    e.errors?.forEach((member, i) => {
      if (isSerializedError(member)) render(member, `Error ${i + 1} of ${e.errors?.length}: `);
      else lines.push(`Error ${i + 1} of ${e.errors?.length}: ${printable(member)}`);
    });
    // serializeError already bounded the chain's depth and replaced cycles with markers.
    if (isSerializedError(e.cause)) render(e.cause, 'Caused by: ');
    else if (e.cause !== undefined) lines.push(`Caused by: ${printable(e.cause)}`);
  };
  render(top, '');
  const block = lines.join('\n').replace(/^/gm, '  ');
  return block.length > maxLength ? `${block.slice(0, maxLength)}…[+${block.length - maxLength} chars]` : block;
}

function isSerializedError(value: unknown): value is SerializedError {
  return typeof value === 'object' && value !== null && typeof (value as SerializedError).name === 'string' && typeof (value as SerializedError).message === 'string';
}

const MAX_PRINTABLE = 256;

/** A short human form of a field value: strings bare, everything else as JSON, both cut short. */
function printable(value: unknown): string {
  if (typeof value !== 'string') return safeJsonStringify(value, { maxLength: MAX_PRINTABLE, maxStringLength: MAX_PRINTABLE });
  return value.length > MAX_PRINTABLE ? `${value.slice(0, MAX_PRINTABLE)}…` : value;
}
