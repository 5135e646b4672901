/**
 * The spans of RPC calls: `rpc <scope>.<method>`, CLIENT on the caller, SERVER on the callee, with
 * the attributes OpenTelemetry's RPC conventions name (`rpc.system` tessera, `rpc.service`,
 * `rpc.method`). Only work already in a trace makes them: a call made outside one, or one that
 * arrives without a caller's span, costs no span.
 */
import type { LogContextHolder, RpcCallSpan, RpcSpans } from '../rpc/trace-context.js';
import { endSpan, fieldsOf, type Tracing } from './tracing.js';
import { formatTraceParent, parseTrace } from './traceparent.js';

/** {@link RpcSpans} made by `tracing`; `context` runs handlers of calls that carry no span. */
export function rpcSpans(tracing: Tracing, context: LogContextHolder): RpcSpans {
  return {
    call(serverId: string, scope: string, method: string): RpcCallSpan | undefined {
      const span = tracing.startSpan(`rpc ${scope}.${method}`, 'client', { 'rpc.system': 'tessera', 'rpc.service': scope, 'rpc.method': method, 'server.address': serverId }, 'active');
      if (span === undefined) return undefined;
      const { traceId, spanId, traceFlags } = fieldsOf(span);
      return { trace: formatTraceParent(traceId, spanId, traceFlags), end: (err?: unknown) => endSpan(span, err) };
    },
    serve(trace: string | null, scope: string, method: string, fn: () => unknown): unknown {
      if (trace === null) return fn();
      const fields = parseTrace(trace);
      if (fields.spanId === undefined) return context.runWithLogContext(fields, fn);
      return tracing.inSpan(`rpc ${scope}.${method}`, 'server', { 'rpc.system': 'tessera', 'rpc.service': scope, 'rpc.method': method }, fields, fn);
    },
  };
}
