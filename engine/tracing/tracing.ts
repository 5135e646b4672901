/**
 * One server's tracer (`tracing.enabled`): a TracerProvider of its own (none is installed
 * globally: tests run several servers in one process), sampled ParentBased(TraceIdRatioBased),
 * whose ended spans wait in a BatchSpanProcessor bounded by `maxQueuedSpans` for the exporter.
 *
 * The active span lives in the logger's async context as its trace fields (traceparent.ts), not
 * in an OpenTelemetry context manager: every span names its parent explicitly, and every log line
 * written under a span carries its trace and span ids.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Module } from '../lifecycle/lifecycle.js';
import type { LogContextHolder } from '../rpc/trace-context.js';
import { droppedSpansMeterProvider } from './dropped-spans.js';
import { errorCodeOf } from './error-code.js';
import type { TraceFields } from './traceparent.js';

/** A span's kind: the side of a request it stands for. */
export type SpanRole = 'server' | 'client' | 'internal';

const KINDS: Record<SpanRole, SpanKind> = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL };

/** What a {@link Tracing} is built from: `config.tracing` and the server it runs in. */
export interface TracingOptions {
  /** Share of new traces sampled (0..1); a trace begun elsewhere keeps its caller's decision. */
  sampleRatio: number;
  /** Ended spans waiting for export at most; past it, new ones are dropped and counted. */
  maxQueuedSpans: number;
  /** The `service.name` resource attribute. */
  serviceName: string;
  /** The server's id, for each span's `tessera.server.id` (it changes once, at registration). */
  serverId: () => string;
  /** Where the active span lives: the root logger. */
  context: LogContextHolder;
  /** Where ended spans go; none: spans are made (ids, sampling, log lines) but not exported. */
  exporter?: SpanExporter;
  /** Called with the number of ended spans dropped because the queue was full. */
  onDropped?: (count: number) => void;
  /** Milliseconds between two exports of the queue (default 1,000). */
  exportDelayMs?: number;
}

/** How a span finds its parent. */
export type SpanParent =
  /** The active span, if any; none: no span is made, the work just runs. */
  | 'active'
  /** The active span, if any; none: the span begins a new trace. */
  | 'active-or-root'
  /** What a peer sent (its span), if it is a valid `traceparent`'s fields; else no span is made. */
  | TraceFields;

/** A server's tracer: spans whose parents come from the log context or from a peer. */
export class Tracing implements Module {
  readonly name = 'tracing';
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;

  constructor(private readonly options: TracingOptions) {
    const { exporter } = options;
    this.provider = new TracerProvider({
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      spanProcessors: exporter
        ? [
            new BatchSpanProcessor({
              exporter,
              maxQueueSize: options.maxQueuedSpans,
              maxExportBatchSize: Math.min(512, options.maxQueuedSpans),
              scheduledDelayMillis: options.exportDelayMs ?? 1_000,
              ...(options.onDropped ? { selfObsMeterProvider: droppedSpansMeterProvider(options.onDropped) } : {}),
            }),
          ]
        : [],
    });
    this.tracer = this.provider.getTracer('tessera');
  }

  /**
   * Runs `fn` in a new span named `name`, a child of `parent`, and ends the span when what `fn`
   * returns settles (with an error status and the catalogue code of what it threw or rejected
   * with). Without a parent where one is needed, `fn` just runs.
   * @returns what `fn` returns.
   */
  inSpan<T>(name: string, kind: SpanRole, attributes: Attributes, parent: SpanParent, fn: () => T): T {
    const span = this.startSpan(name, kind, attributes, parent);
    if (span === undefined) return fn();
    let result: T;
    try {
      result = this.runIn(span, fn);
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
    if (isPromiseLike(result)) result.then(() => span.end(), (err: unknown) => endSpan(span, err));
    else span.end();
    return result;
  }

  /**
   * Starts a span named `name`, a child of `parent`; end it with {@link endSpan}.
   * @returns undefined where `parent` needs a parent and there is none.
   */
  startSpan(name: string, kind: SpanRole, attributes: Attributes, parent: SpanParent): Span | undefined {
    let context: Context | undefined;
    if (parent === 'active' || parent === 'active-or-root') {
      context = contextOf(this.options.context.currentLogContext(), false);
      if (context === undefined && parent === 'active') return undefined;
    } else {
      context = contextOf(parent, true);
      if (context === undefined) return undefined;
    }
    const span = this.tracer.startSpan(name, { kind: KINDS[kind], attributes }, context ?? ROOT_CONTEXT);
    span.setAttribute('tessera.server.id', this.options.serverId());
    return span;
  }

  /** Runs `fn` with `span` as the active span: the parent of spans begun inside, on log lines. */
  runIn<T>(span: Span, fn: () => T): T {
    return this.options.context.runWithLogContext(fieldsOf(span), fn);
  }

  async start(): Promise<void> {}

  /** Exports what is queued and stops exporting. */
  async stop(): Promise<void> {
    await this.provider.shutdown();
  }

  /** Exports what is queued now (tests). */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }
}

/** The trace fields of `span`, as the log context and envelopes carry them. */
export function fieldsOf(span: Span): Required<TraceFields> {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { traceId, spanId, traceFlags: (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00' };
}

/** Ends `span`, marking it failed with the catalogue code of `err` when one is given. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    const code = errorCodeOf(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    span.setAttribute('error.type', code);
  }
  span.end();
}

// A parent context from trace fields with a span, or undefined (none, or a bare trace id).
function contextOf(fields: Readonly<Partial<TraceFields>> | undefined, isRemote: boolean): Context | undefined {
  if (fields?.traceId === undefined || fields.spanId === undefined || fields.traceFlags === undefined) return undefined;
  const spanContext = { traceId: fields.traceId, spanId: fields.spanId, traceFlags: fields.traceFlags === '01' ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote };
  return trace.isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
