import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type RootLogger } from '../log/create-logger.js';
import { startTestNodes, type TestNodes } from '../rpc/fixtures/test-nodes.js';
import type { RpcNode } from '../rpc/rpc-node.js';
import { traceContextOf } from '../rpc/trace-context.js';
import { ManualClock } from '../timer/clock.js';
import { rpcSpans } from './rpc-spans.js';
import { Tracing } from './tracing.js';

let cluster: TestNodes | undefined;
let logger: RootLogger | undefined;
let tracing: Tracing | undefined;
afterEach(async () => {
  await cluster?.stop();
  await tracing?.stop();
  await logger?.close();
  cluster = logger = tracing = undefined;
});

// Two nodes whose calls make spans: `b` answers `relay.ask` by calling `a`'s `clock.now`.
async function tracedPair() {
  logger = createLogger({ serverId: 's', level: 'info', console: false, clock: new ManualClock() });
  const exporter = new InMemorySpanExporter();
  tracing = new Tracing({ sampleRatio: 1, maxQueuedSpans: 64, serviceName: 'tessera-test', serverId: () => 'node', context: logger, exporter });
  cluster = await startTestNodes(['a', 'b'], { trace: traceContextOf(logger), spans: rpcSpans(tracing, logger) });
  const [a, b] = cluster.nodes as [RpcNode, RpcNode];
  const root = logger;
  const seen: unknown[] = [];
  a.serve('clock', { now: () => (seen.push(root.currentLogContext()), 42), fail: () => Promise.reject(Object.assign(new Error('no'), { code: 'GAME_ERR_NO' })) }, ['now', 'fail']);
  b.serve('relay', { ask: async () => (await b.call('a', 'clock', 'now', [])) as number }, ['ask']);
  return { a, b, tracing, exporter, seen };
}

describe('rpcSpans', () => {
  it('makes a client and a server span per call inside a trace, nested calls included, parented across the socket', async () => {
    const { a, tracing, exporter, seen } = await tracedPair();
    const answer = await tracing.inSpan('gate relay.ask', 'server', {}, 'active-or-root', () => a.call('b', 'relay', 'ask', []));
    expect(answer).toBe(42);
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    const byName = (name: string, kind: SpanKind) => spans.find((span) => span.name === name && span.kind === kind)!;
    const gate = byName('gate relay.ask', SpanKind.SERVER);
    const askClient = byName('rpc relay.ask', SpanKind.CLIENT);
    const askServer = byName('rpc relay.ask', SpanKind.SERVER);
    const nowClient = byName('rpc clock.now', SpanKind.CLIENT);
    const nowServer = byName('rpc clock.now', SpanKind.SERVER);
    expect(spans).toHaveLength(5);
    const parentOf = (span: typeof gate) => span.parentSpanContext?.spanId;
    expect(parentOf(askClient)).toBe(gate.spanContext().spanId);
    expect(parentOf(askServer)).toBe(askClient.spanContext().spanId);
    expect(parentOf(nowClient)).toBe(askServer.spanContext().spanId);
    expect(parentOf(nowServer)).toBe(nowClient.spanContext().spanId);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    expect(askServer.attributes).toMatchObject({ 'rpc.system': 'tessera', 'rpc.service': 'relay', 'rpc.method': 'ask' });
    // The handler's log context is its server span.
    expect(seen).toEqual([{ traceId: nowServer.spanContext().traceId, spanId: nowServer.spanContext().spanId, traceFlags: '01' }]);
  });

  it('marks both spans of a failed call with its code, and makes none for a call outside a trace', async () => {
    const { a, tracing, exporter } = await tracedPair();
    await expect(a.call('b', 'relay', 'missing', [])).rejects.toThrow();
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await expect(tracing.inSpan('gate x', 'server', {}, 'active-or-root', () => a.call('a', 'clock', 'fail', []))).rejects.toMatchObject({ code: 'GAME_ERR_NO' });
    await tracing.flush();
    const failed = exporter.getFinishedSpans().filter((span) => span.name === 'rpc clock.fail');
    expect(failed.map((span) => [span.kind, span.status])).toEqual([
      [SpanKind.SERVER, { code: SpanStatusCode.ERROR, message: 'GAME_ERR_NO' }],
      [SpanKind.CLIENT, { code: SpanStatusCode.ERROR, message: 'GAME_ERR_NO' }],
    ]);
  });

  it('runs a call that carries a bare trace id under that id, without a span', async () => {
    const { a, tracing, exporter, seen } = await tracedPair();
    await a.call('b', 'relay', 'ask', [], { traceId: 'bare-1' });
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(seen).toEqual([{ traceId: 'bare-1' }]);
  });
});
