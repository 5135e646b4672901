import { SpanStatusCode } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type RootLogger } from '../log/create-logger.js';
import { ManualClock } from '../timer/clock.js';
import { SpanKind } from '@opentelemetry/api';
import { Tracing, type TracingOptions } from './tracing.js';

let logger: RootLogger | undefined;
let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.stop();
  await logger?.close();
  tracing = logger = undefined;
});

function tracer(options: Partial<TracingOptions> = {}) {
  logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
  const exporter = new InMemorySpanExporter();
  tracing = new Tracing({ sampleRatio: 1, maxQueuedSpans: 64, serviceName: 'tessera-test', serverId: () => 'gate-1', context: logger, exporter, ...options });
  return { tracing, logger, exporter };
}

async function finished(tracing: Tracing, exporter: InMemorySpanExporter): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans();
}

describe('Tracing', () => {
  it('begins a trace where asked, nests spans begun inside it, and carries the active span in the log context', async () => {
    const { tracing, logger, exporter } = tracer();
    const seen = await tracing.inSpan('gate room.join', 'server', { 'tessera.route': 'room.join' }, 'active-or-root', async () => {
      const outer = logger.currentLogContext();
      await new Promise((resolve) => setImmediate(resolve));
      const inner = tracing.inSpan('store save', 'client', {}, 'active', () => logger.currentLogContext());
      return { outer, inner };
    });
    const [store, gate] = await finished(tracing, exporter);
    expect(gate!.name).toBe('gate room.join');
    expect(gate!.kind).toBe(SpanKind.SERVER);
    expect(gate!.attributes).toMatchObject({ 'tessera.route': 'room.join', 'tessera.server.id': 'gate-1' });
    expect(gate!.parentSpanContext).toBeUndefined();
    expect(store!.spanContext().traceId).toBe(gate!.spanContext().traceId);
    expect(store!.parentSpanContext?.spanId).toBe(gate!.spanContext().spanId);
    expect(seen.outer).toEqual({ traceId: gate!.spanContext().traceId, spanId: gate!.spanContext().spanId, traceFlags: '01' });
    expect(seen.inner?.spanId).toBe(store!.spanContext().spanId);
    expect(store!.resource.attributes['service.name']).toBe('tessera-test');
  });

  it('makes no span where a parent is needed and none is active, and just runs the work', async () => {
    const { tracing, exporter } = tracer();
    expect(tracing.inSpan('store save', 'client', {}, 'active', () => 7)).toBe(7);
    expect(tracing.inSpan('rpc a.b', 'server', {}, { traceId: 'bare' }, () => 8)).toBe(8);
    expect(await finished(tracing, exporter)).toEqual([]);
  });

  it('continues a peer’s trace as a child of its span and keeps its sampling decision', async () => {
    const { tracing, exporter } = tracer({ sampleRatio: 1 });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    tracing.inSpan('rpc a.b', 'server', {}, { traceId, spanId: '00f067aa0ba902b7', traceFlags: '01' }, () => undefined);
    const unsampled = tracing.inSpan('rpc a.c', 'server', {}, { traceId, spanId: '00f067aa0ba902b8', traceFlags: '00' }, () => tracing.inSpan('store save', 'client', {}, 'active', () => 'ran'));
    expect(unsampled).toBe('ran');
    const spans = await finished(tracing, exporter);
    expect(spans.map((span) => span.name)).toEqual(['rpc a.b']);
    expect(spans[0]!.parentSpanContext).toMatchObject({ traceId, spanId: '00f067aa0ba902b7', isRemote: true });
  });

  it('samples new traces by ratio: none at 0', async () => {
    const { tracing, logger, exporter } = tracer({ sampleRatio: 0 });
    const fields = tracing.inSpan('gate a.b', 'server', {}, 'active-or-root', () => logger.currentLogContext());
    expect(fields?.traceFlags).toBe('00');
    expect(fields?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await finished(tracing, exporter)).toEqual([]);
  });

  it('marks a span failed with the catalogue code of what its work threw or rejected with', async () => {
    const { tracing, exporter } = tracer();
    const coded = Object.assign(new Error('no'), { code: 'LOBBY_ERR_QUEUE_FULL' });
    expect(() => tracing.inSpan('gate a.b', 'server', {}, 'active-or-root', () => { throw coded; })).toThrow(coded);
    await expect(tracing.inSpan('gate a.c', 'server', {}, 'active-or-root', () => Promise.reject(new TypeError('bad')))).rejects.toThrow('bad');
    const [thrown, rejected] = await finished(tracing, exporter);
    expect(thrown!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'LOBBY_ERR_QUEUE_FULL' });
    expect(thrown!.attributes['error.type']).toBe('LOBBY_ERR_QUEUE_FULL');
    expect(rejected!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  });

  it('counts the spans dropped while the queue is full: every ended span is exported or counted', async () => {
    const exported: ReadableSpan[] = [];
    let release: (() => void) | undefined;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const exporter: SpanExporter = {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        exported.push(...spans);
        void stalled.then(() => done({ code: 0 }));
      },
      shutdown: async () => undefined,
    };
    let dropped = 0;
    const { tracing } = tracer({ exporter, maxQueuedSpans: 4, onDropped: (count) => (dropped += count) });
    for (let i = 0; i < 20; i++) tracing.inSpan(`gate r${i}`, 'server', {}, 'active-or-root', () => undefined);
    release!();
    await tracing.flush();
    expect(dropped).toBeGreaterThan(0);
    expect(exported.length + dropped).toBe(20);
  });
});
