import Fastify from 'fastify';
import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../../engine/metrics/metrics.js';
import { registerMetricsRoute } from './metrics-route.js';

describe('GET /metrics', () => {
  it("serves the registry's metrics in Prometheus's text format, Node's own with them", async () => {
    const metrics = new Metrics({ process: true });
    new Counter({ name: 'tessera_test_things_total', help: 'Things.', registers: [metrics.registry] }).inc(3);
    const app = Fastify();
    registerMetricsRoute(app, metrics);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE tessera_test_things_total counter');
    expect(res.body).toContain('tessera_test_things_total 3');
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
    await app.close();
  });

  it('keeps the process metrics out when asked, and each registry to itself', async () => {
    const a = new Metrics({ process: false });
    const b = new Metrics({ process: false });
    new Counter({ name: 'tessera_test_only_a_total', help: 'Only in a.', registers: [a.registry] });
    expect(await a.exposition()).not.toContain('nodejs_');
    expect(await b.exposition()).not.toContain('tessera_test_only_a_total');
  });
});
