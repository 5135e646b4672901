/**
 * Builds a server's {@link Tracing} from `config.tracing`: spans exported over OTLP/HTTP (JSON)
 * to `tracing.otlpUrl` when it is set, and the spans dropped from a full queue counted in
 * `tessera_tracing_spans_dropped_total` when metrics are on. Imported only when tracing is on, so
 * that a server without it loads no OpenTelemetry code.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { Counter } from 'prom-client';
import type { Config } from '../config/config-schema.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../persist/store.js';
import type { LogContextHolder, RpcSpans } from '../rpc/trace-context.js';
import { rpcSpans } from './rpc-spans.js';
import { tracedStore } from './traced-store.js';
import { Tracing } from './tracing.js';

/** What {@link createTracing} needs besides the settings. */
export interface TracingDeps {
  /** The server's role: the default `service.name` is `tessera-<role>`. */
  role: string;
  serverId: () => string;
  /** The root logger, where the active span lives. */
  context: LogContextHolder;
  /** The server's metrics, when `metrics.enabled`. */
  metrics?: Metrics | undefined;
  /** Where spans go instead of OTLP (tests). */
  exporter?: SpanExporter;
}

/** A server's tracer and what puts its spans in the modules. */
export interface ServerTracing {
  tracing: Tracing;
  /** For the RPC node: a span per call sent and served inside a trace. */
  rpc: RpcSpans;
  /** `store` with a span per write made inside a trace. */
  store(store: Store): Store;
}

/** The server's tracer, per `settings` (`tracing.enabled` must be true). */
export function createTracing(settings: Config['tracing'], deps: TracingDeps): ServerTracing {
  const dropped = deps.metrics
    ? new Counter({ name: 'tessera_tracing_spans_dropped_total', help: 'Ended spans dropped because tracing.maxQueuedSpans were waiting for export.', registers: [deps.metrics.registry] })
    : undefined;
  const exporter = deps.exporter ?? (settings.otlpUrl === undefined ? undefined : new OTLPTraceExporter({ url: settings.otlpUrl }));
  const tracing = new Tracing({
    sampleRatio: settings.sampleRatio,
    maxQueuedSpans: settings.maxQueuedSpans,
    serviceName: settings.serviceName ?? `tessera-${deps.role}`,
    serverId: deps.serverId,
    context: deps.context,
    ...(exporter ? { exporter } : {}),
    ...(dropped ? { onDropped: (count: number) => dropped.inc(count) } : {}),
  });
  return { tracing, rpc: rpcSpans(tracing, deps.context), store: (store) => tracedStore(store, tracing) };
}
