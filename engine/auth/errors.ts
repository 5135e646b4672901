/**
 * The auth error catalogue: why a login token or a key was refused. The gate sends the wire code
 * to a client whose token is refused; the login service and the gate throw AUTH_ERR_KEY* at start.
 * Codes are stable and never reused; each has a test and a line in docs/login.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const AUTH_ERRORS = {
  AUTH_ERR_TOKEN_INVALID: { wire: 5001, message: 'token is malformed, forged or signed with an algorithm that is not allowed' },
  AUTH_ERR_TOKEN_EXPIRED: { wire: 5002, message: 'token has expired' },
  AUTH_ERR_TOKEN_CLAIMS: { wire: 5003, message: 'token claims are wrong or missing' },
  AUTH_ERR_KEY: { wire: 5004, message: 'key material is unusable' },
  AUTH_ERR_TOKEN_TOO_LARGE: { wire: 5005, message: 'token is larger than allowed' },
  AUTH_ERR_KEYS_UNAVAILABLE: { wire: 5006, message: 'verification keys cannot be fetched' },
} as const;

/** One of the codes in {@link AUTH_ERRORS}. */
export type AuthErrorCode = keyof typeof AUTH_ERRORS;

/** A refused token, or key material that cannot be used. */
export class AuthError extends CodedError<AuthErrorCode> {
  override readonly name = 'AuthError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = AUTH_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: AuthErrorCode, detail: string, options?: { cause?: unknown }) {
    super(AUTH_ERRORS, code, detail, options);
  }
}
