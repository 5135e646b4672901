import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { registerLoginCors } from './login-cors.js';

const PAGE = 'http://127.0.0.1:5173';
const STRANGER = 'https://evil.example';

function app(origins: string[] = [PAGE]): { app: FastifyInstance; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const app = Fastify({ logger: false });
  registerLoginCors(app, { origins, logger });
  // Stand-ins for the login routes: one that answers, one that refuses with Retry-After.
  app.post('/login', async (_req, reply) => reply.code(429).header('retry-after', '2').send({ error: { code: 'LOGIN_ERR_RATE_LIMITED' } }));
  app.post('/register', async (_req, reply) => reply.code(201).send({ uid: 'u1' }));
  app.get('/.well-known/jwks.json', async () => ({ keys: [] }));
  app.get('/health', async () => ({ status: 'ok' }));
  return { app, logger };
}

const preflight = (origin: string | undefined, url = '/login', method = 'POST') => ({
  method: 'OPTIONS' as const,
  url,
  headers: { ...(origin ? { origin } : {}), 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
});

describe('login CORS', () => {
  it('answers the preflight of /login and /register from an allowed origin with its origin, method and content-type', async () => {
    const { app: a } = app();
    for (const url of ['/login', '/register']) {
      const res = await a.inject(preflight(PAGE, url));
      expect(res.statusCode).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': PAGE,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
    expect((await a.inject(preflight(PAGE, '/.well-known/jwks.json', 'GET'))).headers['access-control-allow-methods']).toBe('GET');
  });

  it('lets an allowed origin read replies and refusals, Retry-After included', async () => {
    const { app: a } = app();
    const refused = await a.inject({ method: 'POST', url: '/login', headers: { origin: PAGE }, payload: {} });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers).toMatchObject({ 'access-control-allow-origin': PAGE, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' });
    const ok = await a.inject({ method: 'POST', url: '/register', headers: { origin: PAGE }, payload: {} });
    expect(ok.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('gives a disallowed origin no CORS headers, on the preflight and the request, and logs it at debug', async () => {
    const { app: a, logger } = app();
    const pre = await a.inject(preflight(STRANGER));
    expect(pre.statusCode).toBe(204);
    const post = await a.inject({ method: 'POST', url: '/login', headers: { origin: STRANGER }, payload: {} });
    for (const res of [pre, post]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(res.headers.vary).toBe('Origin');
    }
    expect(logger.at('debug').map((l) => [l.message, l.meta?.origin, l.meta?.url])).toEqual([
      ['cors: origin not allowed', STRANGER, '/login'],
      ['cors: origin not allowed', STRANGER, '/login'],
    ]);
  });

  it('allows no origin at all with the default empty list', async () => {
    const { app: a } = app([]);
    const res = await a.inject(preflight(PAGE));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('matches origins exactly: another port, scheme or host is another origin', async () => {
    const { app: a } = app();
    for (const origin of ['http://127.0.0.1:5174', 'https://127.0.0.1:5173', 'http://localhost:5173', `${PAGE}/`]) {
      expect((await a.inject(preflight(origin))).headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('leaves requests without an Origin header, and routes other than the login routes, as they were', async () => {
    const { app: a, logger } = app();
    const plain = await a.inject({ method: 'POST', url: '/register', payload: {} });
    expect(plain.statusCode).toBe(201);
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    const health = await a.inject({ method: 'GET', url: '/health', headers: { origin: PAGE } });
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
    expect(health.headers.vary).toBeUndefined();
    expect((await a.inject(preflight(PAGE, '/health', 'GET'))).statusCode).toBe(404);
    expect(logger.at('debug')).toEqual([]);
  });
});
