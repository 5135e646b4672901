/**
 * The game's web client over HTTP (`http.play`), as a lifecycle module: at start it finds the
 * client of the game `lobby.game` names (web-client.ts), bundles its script once
 * (bundle-web-client.ts) and puts two routes on the HTTP server's app:
 *
 * - `GET /play` → the game's `web/index.html`, or the engine's page (play-page.ts)
 * - `GET /play/main.js` → the bundled script, and `GET /play/main.js.map` its source map
 *
 * The page is served from the login service's own origin, so it registers and logs in without
 * CORS. Add it to the lifecycle before the {@link HttpServer} whose app it is given.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Module } from '../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../engine/log/types.js';
import { bundleWebClient } from './bundle-web-client.js';
import { PLAY_SCRIPT_URL, playPage } from './play-page.js';
import { findWebClient } from './web-client.js';

/** The page's path. */
export const PLAY_PATH = '/play';

/** Options for {@link PlayService}. */
export interface PlayServiceOptions {
  /** The app the routes go on, e.g. `HttpServer.app`. */
  app: FastifyInstance;
  /** The game, by module path (`lobby.game`). */
  game: string;
  /** Where relative paths are looked up first (default: the working directory). */
  cwd?: string;
  logger: Logger;
}

// Each start of the server may serve another build: browsers ask again rather than cache.
const HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } as const;

/** Serves a game's web client at {@link PLAY_PATH}. */
export class PlayService implements Module {
  readonly name = 'play';
  private started = false;
  private scriptBytes = 0;

  constructor(private readonly options: PlayServiceOptions) {}

  /** Whether the game has a web client, served at {@link PLAY_PATH} (known once started). */
  get served(): boolean {
    return this.scriptBytes > 0;
  }

  /**
   * Finds and bundles the web client and registers its routes; a game without one is logged and
   * gets no routes.
   * @throws Error when the script does not build (esbuild's messages in it), the page cannot be
   *   read, or when started twice.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error('PlayService.start: already started');
    this.started = true;
    const { app, game, logger } = this.options;
    const found = findWebClient(game, this.options.cwd);
    if (!('script' in found)) {
      logger.info('the game has no web client: /play is not served', { game, tried: found.tried });
      return;
    }
    const [bundle, page] = await Promise.all([bundleWebClient(found.script), found.page ? readFile(found.page, 'utf8') : playPage(found.title)]);
    app.get(PLAY_PATH, async (_req, reply) => reply.headers(HEADERS).type('text/html; charset=utf-8').send(page));
    app.get(PLAY_SCRIPT_URL, async (_req, reply) => reply.headers(HEADERS).type('text/javascript; charset=utf-8').send(bundle.script));
    app.get(`${PLAY_SCRIPT_URL}.map`, async (_req, reply) => reply.headers(HEADERS).type('application/json; charset=utf-8').send(bundle.map));
    this.scriptBytes = Buffer.byteLength(bundle.script);
    logger.info('web client ready', { path: PLAY_PATH, script: found.script, page: found.page ?? 'the engine\'s', scriptBytes: this.scriptBytes });
  }

  /** Nothing to release: the routes go with the app. */
  async stop(): Promise<void> {}
}
