import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../engine/testing/memory-logger.js';
import { AdminDashboard } from './admin-dashboard.js';

let app: FastifyInstance;
let logger: MemoryLogger;
let dashboard: AdminDashboard;

beforeAll(async () => {
  app = Fastify();
  logger = new MemoryLogger();
  dashboard = new AdminDashboard({ app, logger });
  await dashboard.start();
});

afterAll(async () => {
  await app.close();
});

describe('the dashboard at /admin', () => {
  it('serves the page, which loads the bundled script, with uPlot\'s style sheet inlined and labelled forms', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain('<script type="module" src="/admin/main.js"></script>');
    expect(res.body).toContain('.uplot');
    // Every input has a label that names it.
    const inputs = [...res.body.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
    expect(inputs.length).toBeGreaterThan(5);
    for (const id of inputs) expect(res.body).toContain(`<label for="${id}">`);
  });

  it('serves the script, bundled with uPlot and using nothing of Node, and its source map', async () => {
    const script = await app.inject({ method: 'GET', url: '/admin/main.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('/admin/stats');
    expect(script.body).toMatch(/\/\/# sourceMappingURL=main\.js\.map\s*$/);
    expect(script.body).not.toMatch(/\brequire\(|\bBuffer\b|(?<![.\w])process\.|setImmediate/);
    const map = await app.inject({ method: 'GET', url: '/admin/main.js.map' });
    const sources = (JSON.parse(map.body) as { sources: string[] }).sources;
    expect(sources.some((s) => s.endsWith('services/admin/dashboard/web/main.ts'))).toBe(true);
    expect(sources.some((s) => s.includes('uplot'))).toBe(true);
    expect(logger.lines.some((l) => l.message === 'admin dashboard bundled')).toBe(true);
  });

  it('bundles the script once, however often it is asked for', async () => {
    await app.inject({ method: 'GET', url: '/admin/main.js' });
    expect(logger.lines.filter((l) => l.message === 'admin dashboard bundled')).toHaveLength(1);
  });

  it('refuses a second start', async () => {
    await expect(dashboard.start()).rejects.toThrow('already started');
  });
});
