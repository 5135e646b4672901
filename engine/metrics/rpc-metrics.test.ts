import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError, RpcError } from '../rpc/errors.js';
import { startTestNodes, type TestNodes } from '../rpc/fixtures/test-nodes.js';
import type { RpcStats } from '../rpc/rpc-node.js';
import { metricLabels, metricValue } from './fixtures/metric-values.js';
import { MAX_ERROR_CODES, RpcMetrics } from './rpc-metrics.js';

const STATS: RpcStats = {
  links: 3,
  unproved: 1,
  peers: 2,
  pendingCalls: 4,
  callsSent: 10,
  notifiesSent: 5,
  callsReceived: 7,
  notifiesReceived: 6,
  queuedBytes: 512,
  expiredOnArrival: 1,
  expiredReplies: 2,
  refused: 8,
  movedRedirects: 9,
};

class Greeter {
  hello(name: string): string {
    return `hello ${name}`;
  }
  broken(): never {
    throw Object.assign(new Error('no'), { code: 'GAME_ERR_BROKEN' });
  }
}

let cluster: TestNodes | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('RpcMetrics', () => {
  it('reads the node counters and gauges at each scrape', async () => {
    const registry = new Registry();
    const metrics = new RpcMetrics(registry, { maxScopes: 10 });
    let stats = STATS;
    metrics.watch(() => stats);
    expect(await metricValue(registry, 'tessera_rpc_calls_total', { direction: 'sent' })).toBe(10);
    expect(await metricValue(registry, 'tessera_rpc_calls_total', { direction: 'received' })).toBe(7);
    expect(await metricValue(registry, 'tessera_rpc_notifies_total', { direction: 'sent' })).toBe(5);
    expect(await metricValue(registry, 'tessera_rpc_notifies_total', { direction: 'received' })).toBe(6);
    expect(await metricValue(registry, 'tessera_rpc_links')).toBe(3);
    expect(await metricValue(registry, 'tessera_rpc_peers')).toBe(2);
    expect(await metricValue(registry, 'tessera_rpc_pending_calls')).toBe(4);
    expect(await metricValue(registry, 'tessera_rpc_queued_bytes')).toBe(512);
    expect(await metricValue(registry, 'tessera_rpc_refused_total')).toBe(8);
    expect(await metricValue(registry, 'tessera_rpc_expired_total')).toBe(3);
    expect(await metricValue(registry, 'tessera_rpc_moved_redirects_total')).toBe(9);
    stats = { ...STATS, callsSent: 11, pendingCalls: 0 };
    expect(await metricValue(registry, 'tessera_rpc_calls_total', { direction: 'sent' })).toBe(11);
    expect(await metricValue(registry, 'tessera_rpc_pending_calls')).toBe(0);
  });

  it('serves its metrics at zero before it watches a node', async () => {
    const registry = new Registry();
    new RpcMetrics(registry, { maxScopes: 10 });
    expect(await metricValue(registry, 'tessera_rpc_links')).toBe(0);
    expect(await registry.metrics()).toContain('# TYPE tessera_rpc_call_duration_seconds histogram');
  });

  it('observes call durations by scope, folding scopes past the cap into other', async () => {
    const registry = new Registry();
    const metrics = new RpcMetrics(registry, { maxScopes: 2 });
    metrics.callSettled('chat', 0.002, undefined);
    metrics.callSettled('Inventory', 0.004, undefined);
    metrics.callSettled('Wallet', 0.5, undefined);
    metrics.callSettled('Quests', 0.5, undefined);
    metrics.callSettled('chat', 0.001, undefined);
    const count = (scope: string) => metricValue(registry, 'tessera_rpc_call_duration_seconds', { scope }, 'tessera_rpc_call_duration_seconds_count');
    expect(await count('chat')).toBe(2);
    expect(await count('Inventory')).toBe(1);
    expect(await count('other')).toBe(2);
    expect((await metricLabels(registry, 'tessera_rpc_call_duration_seconds')).map((l) => l.scope).sort()).toEqual(['Inventory', 'chat', 'other']);
  });

  it('counts failed calls by their code; errors without a code, or past the cap of codes, count as other', async () => {
    const registry = new Registry();
    const metrics = new RpcMetrics(registry, { maxScopes: 10 });
    metrics.callSettled('chat', 0.01, new RpcError('RPC_ERR_DEADLINE_EXCEEDED', 'late'));
    metrics.callSettled('chat', 0.01, new RpcError('RPC_ERR_DEADLINE_EXCEEDED', 'late'));
    metrics.callSettled('chat', 0.01, new RemoteError('ARENA_ERR_COOLDOWN', 'wait', 'lobby-1'));
    metrics.callSettled('chat', 0.01, new Error('plain'));
    metrics.callSettled('chat', 0.01, Object.assign(new Error('odd'), { code: 'not a code' }));
    metrics.callSettled('chat', 0.01, 'thrown string');
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'RPC_ERR_DEADLINE_EXCEEDED' })).toBe(2);
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'ARENA_ERR_COOLDOWN' })).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'other' })).toBe(3);
    for (let i = 0; i < MAX_ERROR_CODES + 5; i++) metrics.callSettled('chat', 0.01, new RemoteError(`GAME_ERR_${i}`, 'x', 'lobby-1'));
    expect((await metricLabels(registry, 'tessera_rpc_errors_total')).length).toBeLessThanOrEqual(MAX_ERROR_CODES + 1);
  });

  it('sees a node make calls and notifications, and the errors they end with', async () => {
    const registry = new Registry();
    const metrics = new RpcMetrics(registry, { maxScopes: 10 });
    cluster = await startTestNodes(['a', 'b'], { metrics });
    const [a, b] = cluster.nodes as [NonNullable<TestNodes['nodes'][0]>, NonNullable<TestNodes['nodes'][0]>];
    metrics.watch(() => a.stats());
    b.serve('greeter', new Greeter(), ['hello', 'broken']);
    expect(await a.call('b', 'greeter', 'hello', ['x'])).toBe('hello x');
    expect(await a.call('a', 'missing', 'hello', []).catch((err: RpcError) => err.code)).toBe('RPC_ERR_NO_SUCH_SERVICE');
    expect(await a.call('b', 'greeter', 'broken', []).catch((err: RemoteError) => err.code)).toBe('GAME_ERR_BROKEN');
    a.notify('b', 'greeter', 'hello', ['y']);
    expect(await a.callEntity({ serverId: 'b', entityId: 'nobody' }, 'Wallet', 'peek', []).catch((err: RpcError) => err.code)).toBe('RPC_ERR_NO_SUCH_ENTITY');
    expect(await metricValue(registry, 'tessera_rpc_calls_total', { direction: 'sent' })).toBe(4);
    expect(await metricValue(registry, 'tessera_rpc_calls_total', { direction: 'received' })).toBe(1); // its own call to 'missing'
    expect(await metricValue(registry, 'tessera_rpc_notifies_total', { direction: 'sent' })).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_links')).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_peers')).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_pending_calls')).toBe(0);
    const count = (scope: string) => metricValue(registry, 'tessera_rpc_call_duration_seconds', { scope }, 'tessera_rpc_call_duration_seconds_count');
    expect(await count('greeter')).toBe(2);
    expect(await count('missing')).toBe(1);
    expect(await count('Wallet')).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'RPC_ERR_NO_SUCH_SERVICE' })).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'GAME_ERR_BROKEN' })).toBe(1);
    expect(await metricValue(registry, 'tessera_rpc_errors_total', { code: 'RPC_ERR_NO_SUCH_ENTITY' })).toBe(1);
  });
});
