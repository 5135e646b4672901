/**
 * The login service's HTTP routes:
 *
 * - `POST /register` `{ username, password }` → 201 `{ uid }`
 * - `POST /login` `{ username, password }` → 200 `{ token, expiresAt, uid, gate, gates }`: `gate`
 *   is where to connect, `gates` every gate (that one first) where the session resumes when its
 *   gate is lost
 * - `GET /.well-known/jwks.json` → `{ keys }`, the public keys gates verify tokens with
 *
 * Every refusal is `{ error: { code, wire, message } }` with the status from LOGIN_ERRORS, or for a
 * body that is not JSON, too large or of another content type, from HTTP_ERRORS.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import type { TokenIssuer } from '../../engine/auth/token-issuer.js';
import { ThrottledLog } from '../../engine/log/throttled-log.js';
import type { Logger } from '../../engine/log/types.js';
import { StoreError } from '../../engine/persist/errors.js';
import type { AccountStore } from './account-store.js';
import { validationMessage } from '../http/validation-message.js';
import { LoginError } from './errors.js';
import type { ListGates, PickGate } from '../../engine/auth/gate-endpoint.js';
import type { LoginRateLimiter, RateLimitedBy } from './login-rate-limiter.js';
import type { PasswordHasher } from './password-hasher.js';
import { normalizeUsername } from './username.js';
import type { Clock } from '../../engine/timer/clock.js';

/** What {@link registerLoginRoutes} needs. */
export interface LoginRoutesOptions {
  accounts: AccountStore;
  hasher: PasswordHasher;
  limiter: LoginRateLimiter;
  issuer: TokenIssuer;
  /** The public keys served as the JWKS document (the current signing key first). */
  publicKeys: readonly Readonly<JWK>[];
  /** Picks the gate a player who just logged in connects to. */
  pickGate: PickGate;
  /** Every gate, for the reply's `gates` (default: the picked one only). */
  listGates?: ListGates;
  logger: Logger;
  /** Time for the rate-limited warnings (a store that cannot be reached). */
  clock: Clock;
  /** Largest request body in bytes (default 1,024). */
  bodyLimit?: number;
}

interface Credentials {
  username: string;
  password: string;
}

// Loose caps only: the exact username and password rules give clearer messages in the handlers.
// Fastify's validator strips unknown keys by default; `propertyNames` makes them an error instead.
const credentialsSchema = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  propertyNames: { enum: ['username', 'password'] },
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;

// How long a client waits when the store or every gate is down: long enough not to hammer it.
const RETRY_LATER_MS = 5_000;
// At most one warning this often while the store cannot be reached.
const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * Adds the register, login and JWKS routes to `app`. Client addresses come from `request.ip`:
 * behind a proxy, list it in `http.trustProxy` so that they are the players' own.
 */
export function registerLoginRoutes(app: FastifyInstance, options: LoginRoutesOptions): void {
  const { accounts, hasher, limiter, issuer, pickGate, logger } = options;
  // While the store is down every request fails: one warning line per interval says so.
  const outages = new ThrottledLog<'store'>(logger, options.clock, OUTAGE_LOG_INTERVAL_MS);
  const sendError = (err: FastifyError, _req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const refusal = toLoginError(err);
    if (!refusal) throw err;
    if (refusal.code === 'LOGIN_ERR_UNAVAILABLE' && refusal.cause !== undefined) outages.warn('store', 'login: accounts cannot be reached', { err: refusal.cause });
    if (refusal.retryAfterMs !== undefined) void reply.header('retry-after', Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
    return reply.code(refusal.status).send(refusal.toBody());
  };
  const route = { bodyLimit: options.bodyLimit ?? 1024, schema: { body: credentialsSchema }, errorHandler: sendError };

  app.post('/register', route, async (req, reply) => {
    const { username, password } = req.body as Credentials;
    rateLimit(limiter.take({ ip: req.ip }), logger, req, username);
    const name = normalizeUsername(username);
    if (name === undefined) throw new LoginError('LOGIN_ERR_BAD_REQUEST', 'username must be 3 to 32 characters from a-z 0-9 _ . -');
    // A cheap read spares a hash for a name already taken; the create-only save still decides.
    if (await accounts.find(name)) throw new LoginError('LOGIN_ERR_USERNAME_TAKEN', name);
    const account = await accounts.create(name, await hasher.hash(password));
    logger.info('account registered', { uid: account.uid, username: name, ip: req.ip });
    return reply.code(201).send({ uid: account.uid });
  });

  app.post('/login', route, async (req) => {
    const { username, password } = req.body as Credentials;
    const name = normalizeUsername(username);
    // An invalid name can have no account, so it gets no bucket of its own.
    rateLimit(limiter.take(name === undefined ? { ip: req.ip } : { ip: req.ip, username: name }), logger, req, username);
    const account = name === undefined ? undefined : await accounts.find(name);
    const ok = account ? await hasher.verify(password, account.passwordHash) : await hasher.verifyDummy(password);
    if (!account || !ok) {
      // Unknown names count too, so that the slowdown does not tell them from real accounts.
      if (name !== undefined) limiter.failed(name, req.ip);
      logger.info('login failed', { username: name ?? username, ip: req.ip, reason: account ? 'wrong password' : 'unknown user' });
      throw new LoginError('LOGIN_ERR_BAD_CREDENTIALS', 'check both and try again');
    }
    const gate = pickGate(account.uid);
    if (!gate) {
      logger.warn('login refused: no gate available', { uid: account.uid });
      throw new LoginError('LOGIN_ERR_NO_GATE', 'try again shortly', { retryAfterMs: RETRY_LATER_MS });
    }
    const { token, expiresAt, jti } = await issuer.issue({ uid: account.uid, name: account.username });
    logger.info('login', { uid: account.uid, username: account.username, ip: req.ip, gate: gate.id, jti });
    const others = options.listGates?.().filter((other) => other.id !== gate.id) ?? [];
    return { token, expiresAt, uid: account.uid, gate, gates: [gate, ...others] };
  });

  app.get('/.well-known/jwks.json', async (_req, reply) => {
    // Gates cache it; a rotated key is served beside the old one for longer than this.
    void reply.header('cache-control', 'public, max-age=300');
    return { keys: options.publicKeys };
  });
}

function rateLimit(decision: ReturnType<LoginRateLimiter['take']>, logger: Logger, req: FastifyRequest, username: string): void {
  if (decision.allowed) return;
  // Debug, not info: refusals are what a flood produces, and they must stay cheap.
  logger.debug('login attempt rate limited', { url: req.url, ip: req.ip, username, by: decision.by });
  throw new LoginError('LOGIN_ERR_RATE_LIMITED', REFUSALS[decision.by], { retryAfterMs: decision.retryAfterMs });
}

const REFUSALS: Record<RateLimitedBy, string> = {
  ip: 'too many attempts from this address',
  'ip-user': 'too many attempts on this username from this address',
  slowdown: 'this username had many failed logins; wait between attempts',
};

// Refusals become coded bodies (sendError above); anything else (fastify's refusals of the request
// itself, faults) goes on to the app's own handler (services/http/http-error-handlers.ts).
function toLoginError(err: unknown): LoginError | undefined {
  if (err instanceof LoginError) return err;
  if (err instanceof StoreError && (err.code === 'STORE_ERR_UNAVAILABLE' || err.code === 'STORE_ERR_CLOSED')) {
    return new LoginError('LOGIN_ERR_UNAVAILABLE', 'accounts cannot be reached', { cause: err, retryAfterMs: RETRY_LATER_MS });
  }
  // A body that is JSON but not credentials: the client's own input, so the field and rule are named.
  if ((err as FastifyError).code === 'FST_ERR_VALIDATION') return new LoginError('LOGIN_ERR_BAD_REQUEST', validationMessage(err as FastifyError), { cause: err });
  return undefined;
}
