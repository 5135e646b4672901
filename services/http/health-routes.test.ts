import { afterEach, describe, expect, it } from 'vitest';
import type { LifecycleState } from '../../engine/lifecycle/lifecycle.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { registerHealthRoutes } from './health-routes.js';
import { HttpServer } from './http-server.js';

describe('health routes', () => {
  let server: HttpServer | undefined;
  afterEach(() => server?.stop());

  function setup(state: LifecycleState, store = true): HttpServer {
    server = new HttpServer({ host: '127.0.0.1', port: 0, logger: new MemoryLogger() });
    const source = { serverId: () => 's1', role: 'standalone', startedAt: 1_000, now: () => 3_500, state: () => state, checks: () => ({ store }) };
    registerHealthRoutes(server.app, source);
    return server;
  }

  it('answers /health with the server id, role, state and uptime', async () => {
    const res = await setup('ready').app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', serverId: 's1', role: 'standalone', state: 'ready', uptimeMs: 2_500 });
  });

  it('adds what the process holds to /health and /ready when the source reports it', async () => {
    server = new HttpServer({ host: '127.0.0.1', port: 0, logger: new MemoryLogger() });
    let sessions = 3;
    registerHealthRoutes(server.app, { serverId: () => 's1', role: 'standalone', startedAt: 0, now: () => 1, state: () => 'ready', checks: () => ({}), load: () => ({ gateSessions: sessions, entities: 7 }) });
    expect((await server.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok', load: { gateSessions: 3, entities: 7 } });
    sessions = 0;
    expect((await server.app.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready', load: { gateSessions: 0, entities: 7 } });
  });

  it('answers /ready with 200 when ready and 503 while starting or draining', async () => {
    expect((await setup('ready').app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    await server!.stop();
    const draining = await setup('draining').app.inject({ method: 'GET', url: '/ready' });
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toMatchObject({ status: 'not ready', state: 'draining' });
  });

  it('answers /ready with 503 while a dependency is down, naming it', async () => {
    const res = await setup('ready', false).app.inject({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not ready', checks: { store: false } });
  });

  it('listens on a real port and answers over TCP', async () => {
    const s = setup('ready');
    await s.start();
    const res = await fetch(`${s.url}/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { serverId: string }).serverId).toBe('s1');
  });

  it('answers an unknown route with 404 and a coded error body', async () => {
    const res = await setup('ready').app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_NOT_FOUND', wire: 5205, message: 'no such route' } });
  });
});
