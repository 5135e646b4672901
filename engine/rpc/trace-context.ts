/**
 * How a trace follows a request across servers: every CALL and NOTIFY carries the caller's current
 * trace as a W3C `traceparent` (engine/tracing/traceparent.ts), or as a bare trace id when no span
 * is active, and the callee runs the handler under it, so log lines on both sides carry the trace
 * id. With tracing on, {@link RpcSpans} also makes a span on each side (engine/tracing/rpc-spans.ts).
 */
import type { LogContext } from '../log/types.js';
import { parseTrace, traceOf } from '../tracing/traceparent.js';

/** Where the current trace lives; {@link traceContextOf} builds one on the root logger. */
export interface TraceContext {
  /** The trace of the work in progress, as an envelope carries it, if any. */
  current(): string | undefined;
  /** Runs `fn` under `trace`, as an envelope carried it (a `traceparent` or a bare trace id). */
  run<T>(trace: string, fn: () => T): T;
}

/** The part of a root logger that holds async log context. */
export interface LogContextHolder {
  currentLogContext(): Readonly<LogContext> | undefined;
  runWithLogContext<T>(context: LogContext, fn: () => T): T;
}

/**
 * The spans of calls, on both sides: present only when tracing is on, so that a node without it
 * does nothing more per call than test for it.
 */
export interface RpcSpans {
  /**
   * Opens the caller's span of a call of `scope.method` on server `serverId`, a child of the
   * current span; undefined when no span is active (no trace, or a bare id).
   */
  call(serverId: string, scope: string, method: string): RpcCallSpan | undefined;
  /**
   * Runs a handler of `scope.method` under the callee's span, a child of the caller's (`trace`
   * from the envelope); without a caller's span (`null`, a bare id) it runs as {@link TraceContext.run}
   * would. The span ends when what `fn` returns settles.
   */
  serve(trace: string | null, scope: string, method: string, fn: () => unknown): unknown;
}

/** The caller's span of one call. */
export interface RpcCallSpan {
  /** The `traceparent` the envelope carries: this span is the callee's parent. */
  readonly trace: string;
  /** Ends the span, with an error status when `err` is given. */
  end(err?: unknown): void;
}

/** A trace context kept in the logger's async context: every log line carries its trace fields. */
export function traceContextOf(logger: LogContextHolder): TraceContext {
  return {
    current: () => traceOf(logger.currentLogContext()),
    run: (trace, fn) => logger.runWithLogContext(parseTrace(trace), fn),
  };
}
