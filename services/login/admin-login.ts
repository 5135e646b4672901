/**
 * Admin tokens: an account named in `admin.accounts` that shows its password gets a token with the
 * claim `admin: true` and the audience {@link ADMIN_AUDIENCE}, signed with the login service's key.
 * A gate never accepts it (its audience is the gates'), and the admin API accepts nothing else.
 * Attempts count against the same rate limits as player logins.
 */
import { AdminError } from '../../engine/admin/errors.js';
import type { TokenIssuer } from '../../engine/auth/token-issuer.js';
import type { Logger } from '../../engine/log/types.js';
import type { AccountStore } from './account-store.js';
import { LoginError } from './errors.js';
import type { LoginRateLimiter } from './login-rate-limiter.js';
import type { PasswordHasher } from './password-hasher.js';
import { normalizeUsername } from './username.js';

/** The `aud` of admin tokens. */
export const ADMIN_AUDIENCE = 'tessera-admin';

/** The claims admin tokens carry besides the registered ones. */
export const ADMIN_CLAIMS = { admin: true } as const;

/** A signed admin token and whom it names. */
export interface AdminLogin {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  account: { uid: string; username: string };
}

/** What {@link AdminLogins} needs. */
export interface AdminLoginsOptions {
  accounts: AccountStore;
  hasher: PasswordHasher;
  limiter: LoginRateLimiter;
  /** Signs with {@link ADMIN_AUDIENCE} and {@link ADMIN_CLAIMS}. */
  issuer: TokenIssuer;
  /** Usernames that may have an admin token (`admin.accounts`), normalized here. */
  admins: readonly string[];
  logger: Logger;
}

/** Checks administrators' passwords and signs their tokens. */
export class AdminLogins {
  private readonly admins: ReadonlySet<string>;

  constructor(private readonly options: AdminLoginsOptions) {
    this.admins = new Set(options.admins.map((name) => normalizeUsername(name)).filter((name): name is string => name !== undefined));
  }

  /**
   * Signs an admin token for `username` when `password` is its password and it is an administrator.
   * @throws LoginError LOGIN_ERR_RATE_LIMITED, LOGIN_ERR_BAD_CREDENTIALS (unknown name or wrong password);
   *   AdminError ADMIN_ERR_FORBIDDEN for an account not in `admin.accounts`; StoreError when the store fails.
   */
  async login(username: string, password: string, ip: string): Promise<AdminLogin> {
    const { accounts, hasher, limiter, issuer, logger } = this.options;
    const name = normalizeUsername(username);
    const decision = limiter.take(name === undefined ? { ip } : { ip, username: name });
    if (!decision.allowed) throw new LoginError('LOGIN_ERR_RATE_LIMITED', 'too many attempts', { retryAfterMs: decision.retryAfterMs });
    const account = name === undefined ? undefined : await accounts.find(name);
    const ok = account ? await hasher.verify(password, account.passwordHash) : await hasher.verifyDummy(password);
    if (!account || !ok) {
      if (name !== undefined) limiter.failed(name, ip);
      logger.warn('admin login failed', { username: name ?? username, ip });
      throw new LoginError('LOGIN_ERR_BAD_CREDENTIALS', 'check both and try again');
    }
    limiter.succeeded(account.username, ip);
    if (!this.admins.has(account.username)) {
      logger.warn('admin login refused: not an administrator', { uid: account.uid, username: account.username, ip });
      throw new AdminError('ADMIN_ERR_FORBIDDEN', `${account.username} is not in admin.accounts`);
    }
    const { token, expiresAt, jti } = await issuer.issue({ uid: account.uid, name: account.username });
    logger.info('admin login', { uid: account.uid, username: account.username, ip, jti });
    return { token, expiresAt, account: { uid: account.uid, username: account.username } };
  }
}
