import type { FastifyInstance } from 'fastify';
import type { LifecycleState } from '../../engine/lifecycle/lifecycle.js';

/** What the health routes report about the process. */
export interface HealthSource {
  /** The server id, read at each request: discovery may assign it after start-up. */
  serverId(): string;
  role: string;
  /** When the process started, in clock milliseconds. */
  startedAt: number;
  now(): number;
  state(): LifecycleState;
  /** Dependencies that must be up for the process to be ready, by name (e.g. `store`). */
  checks(): Record<string, boolean>;
  /**
   * What the process holds now, by name (e.g. `gateSessions`, `lobbySessions`, `entities`, the
   * figures of its cluster load reports, and its pending `timers`), for operators and soak runs.
   */
  load?(): Record<string, number>;
}

/**
 * `GET /health`: liveness, 200 while the process runs, with what it holds (`load`). `GET /ready`: 200 once every module has
 * started, until the drain begins, while every check passes; 503 otherwise, so load balancers
 * stop routing to a process that is stopping or has lost its store.
 */
export function registerHealthRoutes(app: FastifyInstance, source: HealthSource): void {
  const body = () => ({
    serverId: source.serverId(),
    role: source.role,
    state: source.state(),
    uptimeMs: Math.round(source.now() - source.startedAt),
    ...(source.load ? { load: source.load() } : {}),
  });
  app.get('/health', async () => ({ status: 'ok', ...body() }));
  app.get('/ready', async (_req, reply) => {
    const checks = source.checks();
    const ready = source.state() === 'ready' && Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks, ...body() });
  });
}
