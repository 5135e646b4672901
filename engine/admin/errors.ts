/**
 * The admin API's error catalogue, with the HTTP status each code is answered with. Error bodies
 * are `{ error: { code, wire, message } }` like every service's. A server's `admin` RPC service
 * raises ADMIN_ERR_BAD_RULES and ADMIN_ERR_NO_RELOAD; the rest are the API's own (services/admin/). Codes are stable and
 * never reused; each has a test and a line in docs/errors.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const ADMIN_ERRORS = {
  ADMIN_ERR_UNAUTHENTICATED: { wire: 5401, status: 401, message: 'authentication required', when: 'no `Authorization: Bearer` header, or one with neither a configured API key nor a valid admin token (forged, expired, malformed)' },
  ADMIN_ERR_FORBIDDEN: { wire: 5402, status: 403, message: 'not an administrator', when: 'a valid token that is not an admin token (a player\'s gate token), or `/admin/login` by an account not in `admin.accounts`' },
  ADMIN_ERR_BAD_REQUEST: { wire: 5403, status: 400, message: 'request is malformed', when: 'params, query or body that fail the route\'s schema: the field and rule are named' },
  ADMIN_ERR_NOT_FOUND: { wire: 5404, status: 404, message: 'no such thing', when: 'an unknown server id (or not a gate, for `reload-rules`), or an unknown username in a session lookup' },
  ADMIN_ERR_UNREACHABLE: { wire: 5405, status: 503, message: 'a server did not answer', when: 'the server the call is for did not answer in time or cannot be reached (it left, it is overloaded)' },
  ADMIN_ERR_BAD_RULES: { wire: 5406, status: 400, message: 'route rules are invalid', when: '`reload-rules` with rules the gate refuses, or configuration files whose rules do not load; the old rules stay' },
  ADMIN_ERR_NO_RELOAD: { wire: 5407, status: 501, message: 'this lobby cannot reload its game code', when: "`reload` on a lobby whose engine has no live reload of game code (an older build): roll it instead" },
} as const;

/** One of the codes in {@link ADMIN_ERRORS}. */
export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/** A refused admin request. */
export class AdminError extends CodedError<AdminErrorCode> {
  override readonly name = 'AdminError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = ADMIN_ERRORS[this.code].wire;
  /** The HTTP status it is answered with. */
  readonly status: number = ADMIN_ERRORS[this.code].status;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong; it is sent to the caller after the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: AdminErrorCode, detail: string, options?: { cause?: unknown }) {
    super(ADMIN_ERRORS, code, detail, options);
  }

  /** The error body sent to the caller. */
  toBody(): { error: { code: AdminErrorCode; wire: number; message: string } } {
    return { error: { code: this.code, wire: this.wireCode, message: `${ADMIN_ERRORS[this.code].message}: ${this.detail}` } };
  }
}
