/**
 * How a trace id follows a request across servers: the caller's current trace id goes into every
 * CALL and NOTIFY it sends, and the callee runs the handler with that id as its current one, so
 * log lines on both sides carry it.
 */
import type { LogContext } from '../log/types.js';

/** Where the current trace id lives; {@link traceContextOf} builds one on the root logger. */
export interface TraceContext {
  /** The trace id of the work in progress, if any. */
  current(): string | undefined;
  /** Runs `fn` with `traceId` as the current trace. */
  run<T>(traceId: string, fn: () => T): T;
}

/** The part of a root logger that holds async log context. */
export interface LogContextHolder {
  currentLogContext(): Readonly<LogContext> | undefined;
  runWithLogContext<T>(context: LogContext, fn: () => T): T;
}

/** A trace context kept in the logger's async context: `traceId` of every log line is the trace. */
export function traceContextOf(logger: LogContextHolder): TraceContext {
  return {
    current: () => logger.currentLogContext()?.traceId,
    run: (traceId, fn) => logger.runWithLogContext({ traceId }, fn),
  };
}
