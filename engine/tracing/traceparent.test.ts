import { parseTraceParent } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTraceParent, parseTrace, traceOf } from './traceparent.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('reads the trace id, the parent span and the sampled flag of a version 00 traceparent', () => {
    expect(parseTrace(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: '01' });
    expect(parseTrace(`00-${TRACE_ID}-${SPAN_ID}-00`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: '00' });
    // Flags other than "sampled" are not carried on.
    expect(parseTrace(`00-${TRACE_ID}-${SPAN_ID}-03`).traceFlags).toBe('01');
  });

  it('takes any other string, an invalid traceparent included, as a bare trace id', () => {
    for (const bare of ['t-9', TRACE_ID, `00-${'0'.repeat(32)}-${SPAN_ID}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, `ff-${TRACE_ID}-${SPAN_ID}-01`, `00-${TRACE_ID}-${SPAN_ID}-01-extra`, `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`]) {
      expect(parseTrace(bare)).toEqual({ traceId: bare });
    }
  });

  it('reads a later version by its first four fields', () => {
    expect(parseTrace(`01-${TRACE_ID}-${SPAN_ID}-01-what-comes-next`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: '01' });
  });

  it('agrees with OpenTelemetry’s own parser on every version 00 string', () => {
    const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
    fc.assert(
      fc.property(hex(32), hex(16), hex(2), (traceId, spanId, flags) => {
        const wire = `00-${traceId}-${spanId}-${flags}`;
        const theirs = parseTraceParent(wire);
        const ours = parseTrace(wire);
        if (theirs === null) expect(ours).toEqual({ traceId: wire });
        else expect(ours).toEqual({ traceId: theirs.traceId, spanId: theirs.spanId, traceFlags: (theirs.traceFlags & 1) === 1 ? '01' : '00' });
      }),
    );
  });

  it('writes the traceparent of fields with a span, the bare id of fields without one', () => {
    expect(traceOf({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: '00' })).toBe(formatTraceParent(TRACE_ID, SPAN_ID, '00'));
    expect(traceOf({ traceId: 't-9' })).toBe('t-9');
    expect(traceOf(undefined)).toBeUndefined();
    expect(traceOf({})).toBeUndefined();
  });
});
