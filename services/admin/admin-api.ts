/**
 * The admin API as a lifecycle module on the services (or standalone) role: once the login
 * service has its key, it puts the `/admin` routes (admin-routes.ts) on the HTTP server's app.
 * Add it after the login service and before the {@link HttpServer}, which takes no routes once
 * listening.
 */
import type { FastifyInstance } from 'fastify';
import { TokenVerifier } from '../../engine/auth/token-verifier.js';
import type { Config } from '../../engine/config/config-schema.js';
import type { Module } from '../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../engine/log/types.js';
import type { Clock } from '../../engine/timer/clock.js';
import { ADMIN_AUDIENCE } from '../login/admin-login.js';
import type { LoginService } from '../login/login-service.js';
import { AdminAuth } from './admin-auth.js';
import { registerAdminRoutes } from './admin-routes.js';
import type { ClusterAdmin } from './cluster-admin.js';

/** What {@link AdminApi} needs. */
export interface AdminApiOptions {
  app: FastifyInstance;
  /** The login service, started before this module: it signs admin tokens and holds the key they verify with. */
  login: () => LoginService;
  /** Builds the cluster view once the store it reads is open (at start). */
  cluster: () => ClusterAdmin;
  /** The `admin` configuration section. */
  admin: Config['admin'];
  /** The token issuer and tolerances, from the `auth` section. */
  auth: Pick<Config['auth'], 'issuer' | 'clockToleranceSec' | 'maxTokenBytes'>;
  clock: Clock;
  logger: Logger;
  version: string;
}

/** The `/admin` routes. */
export class AdminApi implements Module {
  readonly name = 'admin-api';

  constructor(private readonly options: AdminApiOptions) {}

  async start(): Promise<void> {
    const { app, admin, auth, clock, logger } = this.options;
    const login = this.options.login();
    const verifier = await TokenVerifier.create({
      clock,
      key: login.publicJwk,
      issuer: auth.issuer,
      audience: ADMIN_AUDIENCE,
      clockToleranceSec: auth.clockToleranceSec,
      maxTokenBytes: auth.maxTokenBytes,
    });
    await registerAdminRoutes(app, {
      auth: new AdminAuth({ apiKeys: admin.apiKeys, verify: (token) => verifier.verify(token) }),
      cluster: this.options.cluster(),
      logins: login.adminLogins,
      logger,
      version: this.options.version,
    });
    logger.info('admin API ready', { apiKeys: Object.keys(admin.apiKeys), accounts: admin.accounts.length });
  }

  /** Nothing to release: the routes go with the app. */
  async stop(): Promise<void> {}
}
