/**
 * CORS for the login service: a game's web page served from another origin than the service
 * (a dev server, a CDN) registers and logs in with `fetch`, which browsers allow only when the
 * service says the page's origin may. Origins come from `login.cors.origins`; none by default.
 *
 * - Preflight: `OPTIONS /register`, `/login` and `/.well-known/jwks.json` answer 204; for an allowed
 *   origin with `Access-Control-Allow-Origin: <origin>`, the route's method, `content-type` as the
 *   one allowed request header, and a max age.
 * - Actual requests (replies and refusals alike) from an allowed origin carry
 *   `Access-Control-Allow-Origin: <origin>` and expose `Retry-After`.
 * - A disallowed origin gets no CORS headers, so the browser keeps the reply from the page; it is
 *   logged at debug. Every covered reply says `Vary: Origin`, so caches keep the answers apart.
 *
 * No credentials (cookies) are involved: the service uses none, so no `Allow-Credentials`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../engine/log/types.js';

/** The routes a web page calls, with their methods. */
const CORS_ROUTES: Readonly<Record<string, 'GET' | 'POST'>> = {
  '/register': 'POST',
  '/login': 'POST',
  '/.well-known/jwks.json': 'GET',
};

// How long a browser may cache a preflight answer: one preflight per ten minutes per route.
const PREFLIGHT_MAX_AGE_SEC = 600;

/** What {@link registerLoginCors} needs. */
export interface LoginCorsOptions {
  /** Allowed origins, `scheme://host[:port]` as browsers send them (`login.cors.origins`). */
  origins: readonly string[];
  logger: Logger;
}

/** Adds the preflight routes and the CORS headers of the login routes to `app` (before it listens). */
export function registerLoginCors(app: FastifyInstance, options: LoginCorsOptions): void {
  const allowed = new Set(options.origins);

  // The request's origin when it may read the reply; undefined for a same-origin or non-browser
  // request (no Origin header) and for a disallowed origin.
  const allowedOrigin = (req: FastifyRequest): string | undefined => {
    const origin = req.headers.origin;
    if (origin === undefined) return undefined;
    if (allowed.has(origin)) return origin;
    options.logger.debug('cors: origin not allowed', { origin, method: req.method, url: req.url, ip: req.ip });
    return undefined;
  };

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const url = req.routeOptions.url;
    if (req.method === 'OPTIONS' || url === undefined || CORS_ROUTES[url] === undefined) return;
    void reply.header('vary', 'Origin');
    const origin = allowedOrigin(req);
    if (origin !== undefined) void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'Retry-After');
  });

  for (const [url, method] of Object.entries(CORS_ROUTES)) {
    app.options(url, async (req, reply) => {
      void reply.header('vary', 'Origin');
      const origin = allowedOrigin(req);
      if (origin !== undefined) {
        void reply
          .header('access-control-allow-origin', origin)
          .header('access-control-allow-methods', method)
          .header('access-control-allow-headers', 'content-type')
          .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SEC));
      }
      return reply.code(204).send();
    });
  }
}
