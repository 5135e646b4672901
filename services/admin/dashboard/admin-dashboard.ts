/**
 * The admin dashboard over HTTP, as a lifecycle module: three routes on the HTTP server's app,
 *
 * - `GET /admin` → the page (dashboard-page.ts), uPlot's style sheet inlined
 * - `GET /admin/main.js` → the page's script (web/main.ts with uPlot), bundled by esbuild, and
 *   `GET /admin/main.js.map` its source map
 *
 * A build (`npm run build`, build-dashboard.ts) bundles the script beforehand, into
 * {@link PREBUILT_DIR}; run from the sources, the script is bundled once, when first asked for, so
 * that a server nobody opens the dashboard of never pays for it. None of the routes needs a token: the page holds no data, and logs in
 * through `POST /admin/login` before it calls the admin API. Add it to the lifecycle before the
 * {@link HttpServer} whose app it is given.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Module } from '../../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../../engine/log/types.js';
import { BUNDLE_NAME, bundleWebClient, type WebClientBundle } from '../../play/bundle-web-client.js';
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

/** Where a build puts the bundled script and its map, beside this module. */
export const PREBUILT_DIR = new URL('./bundle/', import.meta.url);

/** The script's entry: the TypeScript source, else its compiled form beside this file (dist/). */
export function dashboardScript(): string {
  const source = fileURLToPath(new URL('./web/main.ts', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./web/main.js', import.meta.url));
}

/** The bundle a build wrote, or undefined where there is none (run from the sources). */
async function prebuilt(): Promise<WebClientBundle | undefined> {
  const script = new URL(BUNDLE_NAME, PREBUILT_DIR);
  if (!existsSync(script)) return undefined;
  const [text, map] = await Promise.all([readFile(script, 'utf8'), readFile(new URL(`${BUNDLE_NAME}.map`, PREBUILT_DIR), 'utf8')]);
  return { script: text, map };
}

/** What the routes serve, built on first use. */
interface DashboardAssets {
  page: string;
  script: string;
  map: string;
}

/** Serves the admin dashboard at {@link DASHBOARD_PATH}. */
export class AdminDashboard implements Module {
  readonly name = 'admin-dashboard';
  private started = false;
  private assets: Promise<DashboardAssets> | undefined;

  constructor(private readonly options: AdminDashboardOptions) {}

  /**
   * Registers the routes.
   * @throws Error when started twice.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('AdminDashboard.start: already started');
    this.started = true;
    const { app } = this.options;
    app.get(DASHBOARD_PATH, async (_req, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send((await this.built()).page));
    app.get(DASHBOARD_SCRIPT_URL, async (_req, reply) => reply.headers(HEADERS).type('text/javascript; charset=utf-8').send((await this.built()).script));
    app.get(`${DASHBOARD_SCRIPT_URL}.map`, async (_req, reply) => reply.headers(HEADERS).type('application/json; charset=utf-8').send((await this.built()).map));
  }

  /** Nothing to release: the routes go with the app. */
  async stop(): Promise<void> {}

  /**
   * The page, script and map, bundled on the first call. A failure (the script does not build,
   * uPlot's style sheet cannot be read) fails that request and every later one alike.
   */
  private built(): Promise<DashboardAssets> {
    this.assets ??= (async () => {
      const built = await prebuilt();
      const [bundle, uplotCss] = await Promise.all([built ?? bundleWebClient(dashboardScript()), readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8')]);
      if (!built) this.options.logger.info('admin dashboard bundled', { path: DASHBOARD_PATH, scriptBytes: Buffer.byteLength(bundle.script) });
      return { page: dashboardPage(uplotCss), script: bundle.script, map: bundle.map };
    })();
    return this.assets;
  }
}
