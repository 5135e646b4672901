/**
 * The admin API's HTTP routes, under `/admin` (docs/operations.md):
 *
 * - `POST /admin/login` `{ username, password }` → `{ token, expiresAt, account }`
 * - `GET /admin/servers`, `GET /admin/stats`
 * - `GET /admin/sessions?account=|username=`, `POST /admin/sessions/{account}/kick` `{ reason }`
 * - `POST /admin/messages` `{ to: { account } | { group } | { everyone: true }, text }`
 * - `POST /admin/servers/{id}/drain`, `POST /admin/gates/{id}/reload-rules` `[{ rules }]`
 * - `POST /admin/servers/{id}/reload` (a lobby's game code), `POST /admin/reload` (every lobby's)
 * - `GET /admin/entities/{type}/{id}`
 * - `GET /admin/openapi.json`: the OpenAPI document of the above, from their schemas
 *
 * All but login and the document need `Authorization: Bearer <API key or admin token>`. Every
 * call is logged as `admin call` with who made it, the method, path and status. Refusals are
 * `{ error: { code, wire, message } }` with ADMIN_ERR_* codes (LOGIN_ERR_* for a refused login).
 */
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../engine/admin/errors.js';
import type { Logger } from '../../engine/log/types.js';
import { validationMessage } from '../http/validation-message.js';
import type { AdminLogins } from '../login/admin-login.js';
import { LoginError } from '../login/errors.js';
import type { AdminAuth, AdminCaller } from './admin-auth.js';
import { drainSchema, entitySchema, kickSchema, loginSchema, messagesSchema, reloadAllSchema, reloadRulesSchema, reloadSchema, serversSchema, sessionsSchema, statsSchema } from './admin-schemas.js';
import type { ClusterAdmin, MessageTarget } from './cluster-admin.js';

/** What {@link registerAdminRoutes} needs. */
export interface AdminRoutesOptions {
  auth: AdminAuth;
  cluster: ClusterAdmin;
  /** Checks administrators' passwords (the login service's). */
  logins: AdminLogins;
  logger: Logger;
  /** The engine's version, in the OpenAPI document. */
  version: string;
}

/** Routes that answer without a credential. */
const PUBLIC = new Set(['/admin/login', '/admin/openapi.json']);

/** Adds the admin routes to `app`, in a scope of their own (their auth, errors and OpenAPI document). */
export async function registerAdminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  await app.register(async (scope) => adminScope(scope, options), { prefix: '/admin' });
}

async function adminScope(scope: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { auth, cluster, logins, logger } = options;
  const callers = new WeakMap<FastifyRequest, AdminCaller>();
  await scope.register(swagger, {
    openapi: {
      info: { title: 'tessera admin API', version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key of admin.apiKeys, or a token from POST /admin/login' } } },
    },
  });

  scope.addHook('onRequest', async (req) => {
    if (PUBLIC.has(req.routeOptions.url ?? '')) return;
    callers.set(req, await auth.authenticate(req.headers.authorization));
  });
  scope.addHook('onResponse', async (req, reply) => {
    logger.info('admin call', { who: callers.get(req) ?? 'anonymous', method: req.method, path: req.url.split('?', 1)[0], status: reply.statusCode, ip: req.ip });
  });
  scope.setErrorHandler((err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AdminError || err instanceof LoginError) {
      if (err instanceof LoginError && err.retryAfterMs !== undefined) void reply.header('retry-after', Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
      return reply.code(err.status).send(err.toBody());
    }
    if (err.code === 'FST_ERR_VALIDATION') {
      const refusal = new AdminError('ADMIN_ERR_BAD_REQUEST', validationMessage(err), { cause: err });
      return reply.code(refusal.status).send(refusal.toBody());
    }
    // Everything else (a store that fails, a bug) is the app's to answer: a 500 with an id.
    throw err;
  });

  scope.post('/login', { schema: loginSchema, bodyLimit: 1024 }, async (req) => {
    const { username, password } = req.body as { username: string; password: string };
    return logins.login(username, password, req.ip);
  });
  scope.get('/servers', { schema: serversSchema }, async () => ({ servers: cluster.servers() }));
  scope.get('/stats', { schema: statsSchema }, async () => cluster.stats());
  scope.get('/sessions', { schema: sessionsSchema }, async (req) => {
    const query = req.query as { account?: string; username?: string };
    return cluster.findSession(query.username !== undefined ? { username: query.username } : { account: query.account! });
  });
  scope.post('/sessions/:account/kick', { schema: kickSchema }, async (req) => {
    const { account } = req.params as { account: string };
    const { reason } = req.body as { reason: string };
    const kicked = await cluster.kick(account, reason);
    logger.warn('admin: account kicked', { who: callers.get(req), account, reason, kicked });
    return { kicked };
  });
  scope.post('/messages', { schema: messagesSchema }, async (req) => {
    const { to, text } = req.body as { to: MessageTarget; text: string };
    return cluster.message(to, text);
  });
  scope.post('/servers/:id/drain', { schema: drainSchema }, async (req) => {
    const { id } = req.params as { id: string };
    await cluster.drain(id);
    return { draining: true };
  });
  scope.post('/gates/:id/reload-rules', { schema: reloadRulesSchema }, async (req) => {
    const { id } = req.params as { id: string };
    const body = req.body as { rules?: Record<string, string> } | null | undefined;
    return { rules: await cluster.reloadRules(id, body?.rules) };
  });
  scope.post('/servers/:id/reload', { schema: reloadSchema }, async (req) => {
    const { id } = req.params as { id: string };
    return cluster.reload(id);
  });
  scope.post('/reload', { schema: reloadAllSchema }, async () => {
    const lobbies = await cluster.reloadAll();
    // No lobby registered reloads nothing: not a success.
    return { ok: lobbies.length > 0 && lobbies.every((l) => 'report' in l && l.report.ok), lobbies };
  });
  scope.get('/entities/:type/:id', { schema: entitySchema }, async (req) => {
    const { type, id } = req.params as { type: string; id: string };
    return cluster.entity(type, id);
  });
  scope.get('/openapi.json', { schema: { hide: true } }, async () => scope.swagger());
}
