import type { FastifyInstance } from 'fastify';
import type { LifecycleState } from '../../engine/lifecycle/lifecycle.js';

/** What the health routes report about the process. */
export interface HealthSource {
  serverId: string;
  role: string;
  /** When the process started, in clock milliseconds. */
  startedAt: number;
  now(): number;
  state(): LifecycleState;
}

/**
 * `GET /health`: liveness, 200 while the process runs. `GET /ready`: 200 once every module has
 * started and until the drain begins, 503 otherwise, so load balancers stop routing before a stop.
 */
export function registerHealthRoutes(app: FastifyInstance, source: HealthSource): void {
  const body = () => ({
    serverId: source.serverId,
    role: source.role,
    state: source.state(),
    uptimeMs: Math.round(source.now() - source.startedAt),
  });
  app.get('/health', async () => ({ status: 'ok', ...body() }));
  app.get('/ready', async (_req, reply) => {
    const ready = source.state() === 'ready';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', ...body() });
  });
}
