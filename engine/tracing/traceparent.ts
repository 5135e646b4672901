/**
 * The W3C trace context's `traceparent` string as RPC envelopes carry it:
 *
 *   00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>      e.g. 00-4bf9…4736-00f0…02b7-01
 *
 * A string of another shape is a bare trace id (from a peer that sends no span): it is still the
 * trace id of the work it came with, for log lines, but no span is a child of it.
 */

/** The trace fields of a log context: the trace, and the span that the work runs under. */
export interface TraceFields {
  traceId: string;
  /** 16 lowercase hex digits; absent for a bare trace id. */
  spanId?: string;
  /** `01` when the trace is sampled (its spans are recorded), `00` when not; absent with `spanId`. */
  traceFlags?: string;
}

// Version 00 as W3C defines it; a later version's first four fields read the same way.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The `traceparent` of a span: version 00, sampled or not. */
export function formatTraceParent(traceId: string, spanId: string, traceFlags: string): string {
  return `00-${traceId}-${spanId}-${traceFlags}`;
}

/**
 * Reads what an envelope's trace string says: a valid `traceparent` gives the trace id, the
 * caller's span id and the sampled flag (`01` or `00`); anything else is a bare trace id.
 */
export function parseTrace(trace: string): TraceFields {
  const match = TRACEPARENT.exec(trace);
  if (match === null) return { traceId: trace };
  const [, version, traceId, spanId, flags] = match as unknown as [string, string, string, string, string];
  // Version ff is forbidden, 00 has exactly four fields; all-zero ids are invalid.
  if (version === 'ff' || (version === '00' && trace.length !== 55) || traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return { traceId: trace };
  return { traceId, spanId, traceFlags: (Number.parseInt(flags, 16) & 1) === 1 ? '01' : '00' };
}

/** The `traceparent` for the work running under `fields`, or the bare trace id when it has no span. */
export function traceOf(fields: Readonly<Partial<TraceFields>> | undefined): string | undefined {
  if (fields?.traceId === undefined) return undefined;
  return fields.spanId === undefined || fields.traceFlags === undefined ? fields.traceId : formatTraceParent(fields.traceId, fields.spanId, fields.traceFlags);
}
