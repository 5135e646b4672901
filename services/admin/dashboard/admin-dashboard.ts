/**
 * The admin dashboard over HTTP, as a lifecycle module: at start it bundles the page's script
 * (web/main.ts, with uPlot) once with esbuild and puts three routes on the HTTP server's app:
 *
 * - `GET /admin` → the page (dashboard-page.ts), uPlot's style sheet inlined
 * - `GET /admin/main.js` → the bundled script, and `GET /admin/main.js.map` its source map
 *
 * None of them needs a token: the page holds no data, and logs in through `POST /admin/login`
 * before it calls the admin API. Add it to the lifecycle before the {@link HttpServer} whose app
 * it is given.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Module } from '../../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../../engine/log/types.js';
import { bundleWebClient } from '../../play/bundle-web-client.js';
import { DASHBOARD_PATH, DASHBOARD_SCRIPT_URL, dashboardPage } from './dashboard-page.js';

/** Options for {@link AdminDashboard}. */
export interface AdminDashboardOptions {
  /** The app the routes go on, e.g. `HttpServer.app`. */
  app: FastifyInstance;
  logger: Logger;
}

// Each start of the server may serve another build: browsers ask again rather than cache.
const HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } as const;
// The page runs its own script only, and no other site may frame its buttons.
const PAGE_HEADERS = {
  ...HEADERS,
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
} as const;

/** The script's entry: the TypeScript source, else its build beside this file (dist/). */
export function dashboardScript(): string {
  const source = fileURLToPath(new URL('./web/main.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./web/main.js', import.meta.url));
}

/** Serves the admin dashboard at {@link DASHBOARD_PATH}. */
export class AdminDashboard implements Module {
  readonly name = 'admin-dashboard';
  private started = false;

  constructor(private readonly options: AdminDashboardOptions) {}

  /**
   * Bundles the script and registers the routes.
   * @throws Error when the script does not build (esbuild's messages in it), uPlot's style sheet
   *   cannot be read, or when started twice.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('AdminDashboard.start: already started');
    this.started = true;
    const { app, logger } = this.options;
    const script = dashboardScript();
    const [bundle, uplotCss] = await Promise.all([bundleWebClient(script), readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8')]);
    const page = dashboardPage(uplotCss);
    app.get(DASHBOARD_PATH, async (_req, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page));
    app.get(DASHBOARD_SCRIPT_URL, async (_req, reply) => reply.headers(HEADERS).type('text/javascript; charset=utf-8').send(bundle.script));
    app.get(`${DASHBOARD_SCRIPT_URL}.map`, async (_req, reply) => reply.headers(HEADERS).type('application/json; charset=utf-8').send(bundle.map));
    logger.info('admin dashboard ready', { path: DASHBOARD_PATH, scriptBytes: Buffer.byteLength(bundle.script) });
  }

  /** Nothing to release: the routes go with the app. */
  async stop(): Promise<void> {}
}
