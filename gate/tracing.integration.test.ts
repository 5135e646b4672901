/**
 * Traces across real processes: a login service, a gate and a lobby (main.ts) on the harness's
 * etcd, FerretDB and Redis, exporting over OTLP/HTTP to a receiver in this test. A client's
 * request must come back as one trace: the gate's span, the RPC spans across the socket, the
 * lobby's handler span and the store write its critical change made, each the child of the one
 * before; and the lobby's log lines carry that trace's id.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../engine/tracing/fixtures/otlp-receiver.js';

const PASSWORD = 'correct-horse-battery';
const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;

describe('traces of a client request across a cluster of real processes', () => {
  let receiver: OtlpReceiver;
  let cluster: ProcessCluster;
  let client: GateClient | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cluster = await startProcessCluster({
      name: `tracing-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      lobbies: 1,
      extraArgs: ['--tracing.enabled', 'true', '--tracing.sampleRatio', '1', '--tracing.otlpUrl', receiver.url, '--log.level', 'debug'],
    });
  }, 90_000);

  afterAll(async () => {
    if (client?.isOpen) client.close();
    await cluster?.stop();
    await receiver?.close();
  }, 30_000);

  /**
   * The spans of the trace whose gate span is named `name` and satisfies `pick`, once every name
   * prefix in `expected` has arrived in it (spans are exported in batches, every second).
   */
  async function traceOf(name: string, expected: readonly string[], pick: (root: ReceivedSpan) => boolean): Promise<ReceivedSpan[]> {
    const current = (): ReceivedSpan[] => {
      const root = receiver.spans.find((span) => span.name === name && pick(span));
      return root ? receiver.spans.filter((span) => span.traceId === root.traceId) : [];
    };
    try {
      return await waitUntil(`the spans ${expected.join(', ')} of a trace of ${name}`, () => {
        const spans = current();
        return expected.every((wanted) => spans.some((span) => span.name.startsWith(wanted))) ? spans : undefined;
      }, 20_000, 100);
    } catch (err) {
      const seen = current().map((span) => `${span.service}: ${span.name} (kind ${span.kind}, status ${span.status.code ?? 0})`);
      throw new Error(`${(err as Error).message}; the trace holds [${seen.join('; ')}] of ${receiver.spans.length} spans received`);
    }
  }

  it('makes one trace of a request, from the gate through RPC to the lobby’s handler and its store write', async () => {
    const username = 'tracer';
    await register(cluster.loginUrl, username, PASSWORD);
    const session = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, username, PASSWORD), 15_000, 200);
    client = await connectGate({ endpoint: session.gate.tcp!, transport: 'tcp', gateKey: session.gate.publicKey });
    await client.auth(session.token);

    await client.request('Inventory.buy', 'sword', 30);
    const spans = await traceOf('gate Inventory.buy', ['gate Inventory.buy', 'rpc sessions.request', 'lobby Inventory.buy', 'store '], (root) => root.status.code !== STATUS_ERROR);
    const one = (name: string, kind: number): ReceivedSpan => {
      const found = spans.filter((span) => span.name === name && span.kind === kind);
      expect(found, `${name} (kind ${kind}) in ${spans.map((s) => `${s.name}/${s.kind}`).join(', ')}`).toHaveLength(1);
      return found[0]!;
    };
    const gate = one('gate Inventory.buy', SERVER);
    const sent = one('rpc sessions.request', CLIENT);
    const served = one('rpc sessions.request', SERVER);
    const handler = one('lobby Inventory.buy', SERVER);
    const write = spans.find((span) => span.name.startsWith('store save') && span.kind === CLIENT);
    expect(write, 'a store write span').toBeDefined();

    expect(gate.parentSpanId).toBeUndefined();
    expect(sent.parentSpanId).toBe(gate.spanId);
    expect(served.parentSpanId).toBe(sent.spanId);
    expect(handler.parentSpanId).toBe(served.spanId);
    expect(write!.parentSpanId).toBe(handler.spanId);

    expect([gate.service, sent.service, served.service, handler.service, write!.service]).toEqual(['tessera-gate', 'tessera-gate', 'tessera-lobby', 'tessera-lobby', 'tessera-lobby']);
    expect(gate.attributes).toMatchObject({ 'tessera.route': 'Inventory.buy', 'tessera.transport': 'tcp' });
    expect(sent.attributes).toMatchObject({ 'rpc.system': 'tessera', 'rpc.service': 'sessions', 'rpc.method': 'request' });
    expect(write!.attributes).toMatchObject({ 'db.system': 'mongodb', 'db.collection.name': 'Avatar' });
    expect(String(gate.attributes['tessera.server.id'])).toMatch(/^gate-/);
    expect(String(handler.attributes['tessera.server.id'])).toMatch(/^lobby-/);
  }, 60_000);

  it('marks a refused request’s spans with the game’s error code, and the lobby’s log line of it carries the trace and span ids', async () => {
    await expect(client!.request('Inventory.buy', 'crown', 1_000_000)).rejects.toMatchObject({ serverCode: 'SHOP_ERR_POOR' });
    const spans = await traceOf('gate Inventory.buy', ['gate Inventory.buy', 'rpc sessions.request', 'lobby Inventory.buy'], (root) => root.status.code === STATUS_ERROR);
    const gate = spans.find((span) => span.name === 'gate Inventory.buy')!;
    const handler = spans.find((span) => span.name === 'lobby Inventory.buy')!;
    expect(gate.status).toEqual({ code: STATUS_ERROR, message: 'SHOP_ERR_POOR' });
    expect(handler.status).toEqual({ code: STATUS_ERROR, message: 'SHOP_ERR_POOR' });
    const lobby = cluster.lobbies[0]!;
    const line = await waitUntil('the refusal logged', () => lobby.output().split('\n').find((l) => l.includes('game method refused') && l.includes(`trace=${gate.traceId}`)));
    expect(line).toContain(`span=${handler.spanId}`);
  }, 60_000);
});
