/**
 * The login service as a lifecycle module: it loads (or generates) the signing key, then puts the
 * register, login and JWKS routes on the HTTP server's app. Add it to the lifecycle before the
 * {@link HttpServer} whose app it is given, since fastify takes no routes once listening.
 */
import type { FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import { AuthError } from '../../engine/auth/errors.js';
import { SigningKey } from '../../engine/auth/signing-key.js';
import { TokenIssuer } from '../../engine/auth/token-issuer.js';
import type { Config } from '../../engine/config/config-schema.js';
import type { Module } from '../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../engine/log/types.js';
import type { Store } from '../../engine/persist/store.js';
import type { Clock } from '../../engine/timer/clock.js';
import { AccountStore } from './account-store.js';
import { ADMIN_AUDIENCE, ADMIN_CLAIMS, AdminLogins } from './admin-login.js';
import type { ListGates, PickGate } from '../../engine/auth/gate-endpoint.js';
import { HashQueue } from './hash-queue.js';
import { registerLoginCors } from './login-cors.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { registerLoginRoutes } from './login-routes.js';
import { PasswordHasher } from './password-hasher.js';

/** Options for {@link LoginService}. */
export interface LoginServiceOptions {
  /** The app the routes go on, e.g. `HttpServer.app`. */
  app: FastifyInstance;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Picks the gate for each login (wired to discovery by the composition root). */
  pickGate: PickGate;
  /** Every gate, listed in the login reply's `gates` (default: the picked one only). */
  listGates?: ListGates;
  /** The `login` configuration section. */
  login: Config['login'];
  /** The token `iss` and `aud`, from the `auth` section. */
  auth: Pick<Config['auth'], 'issuer' | 'audience'>;
  /** Who may have an admin token and for how long (the `admin` section); default: nobody. */
  admin?: Pick<Config['admin'], 'accounts' | 'tokenTtlSec'>;
  /** A key to sign with instead of `login.privateKeyPath` or a generated one (tests; a key shared in process). */
  signingKey?: SigningKey;
}

/** Accounts, passwords and login tokens over HTTP. */
export class LoginService implements Module {
  readonly name = 'login';
  private readonly accounts: AccountStore;
  private readonly hasher: PasswordHasher;
  private readonly limiter: LoginRateLimiter;
  private key: SigningKey | undefined;
  private admins: AdminLogins | undefined;

  /** @throws RangeError when the scrypt, hashing or rate-limit settings are out of range. */
  constructor(private readonly options: LoginServiceOptions) {
    const { login, store, clock } = options;
    this.accounts = new AccountStore({ store, clock });
    this.hasher = new PasswordHasher({ ...login.scrypt, queue: new HashQueue(login.hashing) });
    this.limiter = new LoginRateLimiter({ clock, ...login.rateLimit });
  }

  /** The key tokens are signed with; gates in the same process verify with its public half. */
  get signingKey(): SigningKey {
    if (!this.key) throw new Error('LoginService.signingKey: not started');
    return this.key;
  }

  /** Signs admin tokens (admin-login.ts), once started. */
  get adminLogins(): AdminLogins {
    if (!this.admins) throw new Error('LoginService.adminLogins: not started');
    return this.admins;
  }

  /** The public JWK served at `/.well-known/jwks.json`. */
  get publicJwk(): Readonly<JWK> {
    return this.signingKey.publicJwk;
  }

  /**
   * Loads the signing key and registers the routes, with CORS for `login.cors.origins`.
   * @throws AuthError AUTH_ERR_KEY when the configured key files are unusable or only the public one is set;
   *   Error when started twice.
   */
  async start(): Promise<void> {
    if (this.key) throw new Error('LoginService.start: already started');
    const { login, logger } = this.options;
    const key = this.options.signingKey ?? (await this.loadKey());
    const issuer = new TokenIssuer({ key, clock: this.options.clock, ttlSec: login.tokenTtlSec, ...this.options.auth });
    registerLoginRoutes(this.options.app, {
      accounts: this.accounts,
      hasher: this.hasher,
      limiter: this.limiter,
      issuer,
      publicKeys: [key.publicJwk],
      pickGate: this.options.pickGate,
      ...(this.options.listGates ? { listGates: this.options.listGates } : {}),
      logger,
      clock: this.options.clock,
    });
    registerLoginCors(this.options.app, { origins: login.cors.origins, logger });
    const admin = this.options.admin ?? { accounts: [], tokenTtlSec: login.tokenTtlSec };
    this.admins = new AdminLogins({
      accounts: this.accounts,
      hasher: this.hasher,
      limiter: this.limiter,
      issuer: new TokenIssuer({ key, clock: this.options.clock, ttlSec: admin.tokenTtlSec, issuer: this.options.auth.issuer, audience: ADMIN_AUDIENCE, claims: ADMIN_CLAIMS }),
      admins: admin.accounts,
      logger,
    });
    this.key = key;
    logger.info('login service ready', { kid: key.kid, tokenTtlSec: login.tokenTtlSec, corsOrigins: login.cors.origins });
  }

  /** Nothing to release: the routes go with the app, the accounts with the store. */
  async stop(): Promise<void> {}

  private async loadKey(): Promise<SigningKey> {
    const { privateKeyPath, publicKeyPath } = this.options.login;
    if (privateKeyPath !== undefined) return SigningKey.fromPemFiles(privateKeyPath, publicKeyPath);
    if (publicKeyPath !== undefined) throw new AuthError('AUTH_ERR_KEY', 'login.publicKeyPath is set without login.privateKeyPath');
    // Fine for one process; with several login processes each would sign with its own key.
    this.options.logger.warn('login.privateKeyPath is not set: generated a signing key for this process only');
    return SigningKey.generate();
  }
}
