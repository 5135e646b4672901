import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../engine/metrics/metrics.js';

/**
 * `GET /metrics`: the process's metrics in Prometheus's text format, read at each scrape. Served
 * on the HTTP port every role opens, beside `/health` and `/ready`.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.exposition()));
}
