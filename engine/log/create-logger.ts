/**
 * The engine's logger: a {@link Logger} backed by winston, with a coloured console output and a
 * rotating JSON-lines file output. Each call resolves its context here, in one place:
 *
 *   explicit meta  >  child() context  >  runWithLogContext() context
 *
 * and every line carries the server id. Nothing is module-global: each root logger owns its
 * winston instance, its outputs and its AsyncLocalStorage.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';
import type { Clock } from '../timer/clock.js';
import { createConsoleTransport, type ConsoleOptions } from './console-output.js';
import { DEFAULT_MAX_LINE_LENGTH, formatJsonLine } from './line-format.js';
import { mergeFields, type LogRecord } from './log-record.js';
import { reportOnceToStderr } from './report-once.js';
import { RotatingFileTransport, type RotatingFileOptions } from './rotating-file-transport.js';
import { safeJsonStringify } from './safe-json.js';
import { StreamTransport } from './stream-transport.js';
import { LOG_LEVELS, type LogContext, type Logger, type LogLevel, type LogMeta } from './types.js';
import { recordFormat, recordInfo } from './winston-info.js';

/** Options for {@link createLogger}; defaults are in {@link LOGGER_DEFAULTS}. */
export interface LoggerOptions {
  /** Printed on every line; also the default file basename (characters other than `A-Za-z0-9_-` become `_`). */
  serverId: string;
  /** Lines less severe than this are skipped before any work is done (default `'info'`). */
  level?: LogLevel;
  /** `true`: console with default settings; `false`: none (default `true`). */
  console?: boolean | ConsoleOptions;
  /** Rotating JSON-lines files; absent: no file output. */
  file?: RotatingFileOptions;
  /** Cap on a line's serialized fields, in characters (default 16,384). */
  maxLineLength?: number;
  /** Source of timestamps and of the file's "today". */
  clock: Clock;
}

/** Defaults for {@link LoggerOptions}. File defaults are `ROTATING_FILE_DEFAULTS`. */
export const LOGGER_DEFAULTS = {
  level: 'info',
  console: true,
  maxLineLength: DEFAULT_MAX_LINE_LENGTH,
} as const satisfies Partial<LoggerOptions>;

/** What was lost or is waiting, per output; absent outputs are not configured. */
export interface LogStats {
  /** Lines dropped by all outputs together. */
  droppedLines: number;
  console?: { droppedLines: number; bufferedBytes: number };
  file?: { droppedLines: number; bufferedBytes: number; path: string };
}

/** The logger a composition root owns: a {@link Logger} plus lifecycle, stats and async context. */
export interface RootLogger extends Logger {
  /**
   * Runs `fn` so that every line logged inside it, across awaits, carries `context` (merged over
   * any enclosing run's context). Explicit meta and child context still win over it.
   * @returns what `fn` returns.
   */
  runWithLogContext<T>(context: LogContext & Record<string, unknown>, fn: () => T): T;
  /** The context of the enclosing {@link runWithLogContext}, if any. */
  currentLogContext(): Readonly<LogContext & Record<string, unknown>> | undefined;
  /**
   * Changes the server id every line carries from now on, for ids assigned at registration.
   * File names keep the id they were opened with.
   */
  setServerId(serverId: string): void;
  /**
   * Changes the level of this logger and all its children from now on (for config reloads).
   * @throws RangeError for a level not in `LOG_LEVELS`.
   */
  setLevel(level: LogLevel): void;
  /** Drops and queue sizes per output, for metrics. */
  stats(): LogStats;
  /**
   * Stops logging (later calls are ignored), flushes every output and closes the files.
   * Resolves when every queued line has been taken by its disk or stream, so an output that never
   * drains keeps it pending: a shutdown that must finish puts a deadline on it. Safe to call twice.
   */
  close(): Promise<void>;
}

type Fields = Readonly<Record<string, unknown>>;

/** State shared by a root logger and all its children. */
interface LoggerCore {
  serverId: string;
  readonly clock: Clock;
  readonly winston: winston.Logger;
  readonly asyncContext: AsyncLocalStorage<Fields>;
  /** Failures inside winston itself; outputs report their own. */
  readonly reportError: (err: unknown) => void;
  threshold: number;
  closed: boolean;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

class EngineLogger implements Logger {
  constructor(
    protected readonly core: LoggerCore,
    private readonly context: Fields,
  ) {}

  error(message: string, meta?: LogMeta): void {
    this.write('error', message, meta);
  }

  warn(message: string, meta?: LogMeta): void {
    this.write('warn', message, meta);
  }

  info(message: string, meta?: LogMeta): void {
    this.write('info', message, meta);
  }

  debug(message: string, meta?: LogMeta): void {
    this.write('debug', message, meta);
  }

  child(context: LogContext & Record<string, unknown>): Logger {
    return new EngineLogger(this.core, mergeFields(this.context, context));
  }

  private write(level: LogLevel, message: unknown, meta: LogMeta | undefined): void {
    const core = this.core;
    if (core.closed || SEVERITY[level] > core.threshold) return;
    // Untyped callers may pass anything; a log call must never be the thing that throws.
    const text = typeof message === 'string' ? message : safeJsonStringify(message);
    let fields: Record<string, unknown>;
    try {
      fields = mergeFields(core.asyncContext.getStore(), this.context, meta);
    } catch (err) {
      // A meta object with a throwing getter or Proxy trap: keep the line, say why meta is missing.
      fields = mergeFields(core.asyncContext.getStore(), this.context, { logMetaError: String(err) });
    }
    const record: LogRecord = { time: core.clock.now(), level, serverId: core.serverId, message: text, fields };
    try {
      core.winston.log(recordInfo(record));
    } catch (err) {
      core.reportError(err);
    }
  }
}

class EngineRootLogger extends EngineLogger implements RootLogger {
  private closing: Promise<void> | undefined;

  constructor(
    core: LoggerCore,
    private readonly consoleOutput: StreamTransport | undefined,
    private readonly fileOutput: RotatingFileTransport | undefined,
  ) {
    super(core, {});
  }

  runWithLogContext<T>(context: LogContext & Record<string, unknown>, fn: () => T): T {
    return this.core.asyncContext.run(mergeFields(this.core.asyncContext.getStore(), context), fn);
  }

  currentLogContext(): Readonly<LogContext & Record<string, unknown>> | undefined {
    return this.core.asyncContext.getStore();
  }

  setServerId(serverId: string): void {
    this.core.serverId = serverId;
  }

  setLevel(level: LogLevel): void {
    this.core.threshold = severityOf(level);
  }

  stats(): LogStats {
    const consoleStats = this.consoleOutput?.stats;
    const fileStats = this.fileOutput?.stats;
    return { droppedLines: (consoleStats?.droppedLines ?? 0) + (fileStats?.droppedLines ?? 0), console: consoleStats, file: fileStats };
  }

  close(): Promise<void> {
    this.core.closed = true;
    this.closing ??= Promise.all([this.consoleOutput?.close(), this.fileOutput?.close()]).then(() => {
      // Transports are already flushed; this only detaches winston's pipes.
      this.core.winston.close();
    });
    return this.closing;
  }
}

/**
 * Creates the root logger for one server process.
 *
 * @param options see {@link LoggerOptions}.
 * @returns a root logger; its children share its outputs, level and async context.
 * @throws RangeError for an unknown level, a bad file basename or a cap that is not positive.
 * @throws the fs error when the log directory cannot be created or listed.
 */
export function createLogger(options: LoggerOptions): RootLogger {
  const threshold = severityOf(options.level ?? LOGGER_DEFAULTS.level);
  const maxLineLength = options.maxLineLength ?? LOGGER_DEFAULTS.maxLineLength;
  const noticeRecord = (count: number, what: string): LogRecord => ({
    time: options.clock.now(),
    level: 'warn',
    serverId: options.serverId,
    message: `log: dropped ${count} lines while the ${what} was slow`,
    fields: { dropped: count },
  });

  const fileOutput = options.file
    ? new RotatingFileTransport({
        ...options.file,
        basename: options.file.basename ?? options.serverId.replace(/[^A-Za-z0-9_-]/g, '_'),
        clock: options.clock,
        format: recordFormat((record) => formatJsonLine(record, maxLineLength)),
        droppedNotice: (count) => formatJsonLine(noticeRecord(count, 'disk'), maxLineLength),
      })
    : undefined;
  let consoleOutput: StreamTransport | undefined;
  try {
    consoleOutput = createConsoleTransport(options.console ?? LOGGER_DEFAULTS.console, maxLineLength, (count) => noticeRecord(count, 'console'));
  } catch (err) {
    // The file is already open; do not leak it when the console settings are rejected.
    void fileOutput?.close();
    throw err;
  }

  const transports = [consoleOutput, fileOutput].filter((t) => t !== undefined);
  const logger = winston.createLogger({
    // Levels are filtered before winston sees a line; winston only routes records to outputs.
    levels: { ...SEVERITY },
    level: 'debug',
    format: winston.format((info) => info)(),
    transports,
    // With no outputs winston would warn on every line; silent skips the work instead.
    silent: transports.length === 0,
  });

  // Outputs never emit 'error' (they report their own failures), but an unheard 'error' on a
  // stream crashes the process, and a logger must not be the thing that does that.
  const reportError = reportOnceToStderr('winston');
  logger.on('error', reportError);

  return new EngineRootLogger(
    { serverId: options.serverId, clock: options.clock, winston: logger, asyncContext: new AsyncLocalStorage(), reportError, threshold, closed: false },
    consoleOutput,
    fileOutput,
  );
}

function severityOf(level: LogLevel): number {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new RangeError(`unknown log level ${JSON.stringify(level)}; expected one of ${LOG_LEVELS.join(', ')}`);
  return SEVERITY[level];
}
