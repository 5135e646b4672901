/**
 * Who calls the admin API: `Authorization: Bearer <credential>`, where the credential is one of
 * the API keys of `admin.apiKeys` (compared in constant time) or an admin token signed by the
 * login service (audience `tessera-admin`, claim `admin: true`, admin-login.ts). A token that
 * verifies but is not an admin token (a player's) is forbidden; anything else is unauthenticated.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AdminError } from '../../engine/admin/errors.js';
import { AuthError } from '../../engine/auth/errors.js';
import type { VerifiedToken } from '../../engine/auth/token-verifier.js';

/** The caller as logged with each call: `key:<name>` or `account:<uid>`. */
export type AdminCaller = `key:${string}` | `account:${string}`;

/** What {@link AdminAuth} needs. */
export interface AdminAuthOptions {
  /** API keys by name (`admin.apiKeys`). */
  apiKeys: Readonly<Record<string, string>>;
  /** Verifies a token against the admin audience (a TokenVerifier's `verify`). */
  verify: (token: string) => Promise<VerifiedToken>;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,8192})$/;

/** Checks the credential of each admin call. */
export class AdminAuth {
  // Digests, so that every comparison is of equal length and takes the same time.
  private readonly keys: readonly { name: string; digest: Buffer }[];

  constructor(private readonly options: AdminAuthOptions) {
    this.keys = Object.entries(options.apiKeys).map(([name, key]) => ({ name, digest: digest(key) }));
  }

  /**
   * The caller that `authorization` (the header's value) names.
   * @throws AdminError ADMIN_ERR_UNAUTHENTICATED without a valid credential; ADMIN_ERR_FORBIDDEN
   *   for a valid token that is not an admin token.
   */
  async authenticate(authorization: string | undefined): Promise<AdminCaller> {
    const credential = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (credential === undefined) throw new AdminError('ADMIN_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <API key or admin token>');
    const presented = digest(credential);
    // Every key is compared, so that the time taken says nothing of which one matched.
    let matched: string | undefined;
    for (const { name, digest: known } of this.keys) if (timingSafeEqual(presented, known) && matched === undefined) matched = name;
    if (matched !== undefined) return `key:${matched}`;
    let token: VerifiedToken;
    try {
      token = await this.options.verify(credential);
    } catch (err) {
      // A good signature with the wrong audience or claims is someone's token, just not an admin's.
      if (err instanceof AuthError && err.code === 'AUTH_ERR_TOKEN_CLAIMS') throw new AdminError('ADMIN_ERR_FORBIDDEN', 'not an admin token', { cause: err });
      const code = err instanceof AuthError ? err.code : 'unverifiable';
      throw new AdminError('ADMIN_ERR_UNAUTHENTICATED', `token refused (${code})`, { cause: err });
    }
    if (token.admin !== true) throw new AdminError('ADMIN_ERR_FORBIDDEN', 'not an admin token');
    return `account:${token.uid}`;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
