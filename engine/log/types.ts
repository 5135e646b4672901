/**
 * The logging interface the engine codes against. `createLogger` (engine/log/create-logger.ts)
 * returns one backed by winston; tests may pass a {@link MemoryLogger}-style stand-in.
 */

/** Who and what a log line is about; every field is optional and printed when present. */
export interface LogContext {
  /** The player's session, once one is known. */
  sessionId?: string;
  /** The entity the work is for. */
  entityId?: string;
  /** The trace that ties one request across servers (32 hex digits, or a bare id from an older peer). */
  traceId?: string;
  /** The span the work runs under, when tracing made one (engine/tracing/). */
  spanId?: string;
  /** With `spanId`: `01` when the trace is sampled, `00` when not. */
  traceFlags?: string;
}

/** Extra structured fields for one line. An `err` field that holds an Error is logged with its stack. */
export type LogMeta = LogContext & { err?: unknown; [key: string]: unknown };

/** Log levels, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger bound to a server id and, through {@link Logger.child}, to a narrower context. */
export interface Logger {
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  /** A logger whose every line also carries `context` (merged over this logger's own). */
  child(context: LogContext & Record<string, unknown>): Logger;
}
