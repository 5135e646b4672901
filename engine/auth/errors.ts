/**
 * The auth error catalogue: why a login token or a key was refused. The gate sends the wire code
 * to a client whose token is refused; the login service and the gate throw AUTH_ERR_KEY* at start.
 * Codes are stable and never reused; each has a test and a line in docs/login.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const AUTH_ERRORS = {
  AUTH_ERR_TOKEN_INVALID: { wire: 5001, message: 'token is malformed, forged or signed with an algorithm that is not allowed', when: 'the token is not a string, not a signed compact JWS, bad JSON, a bad signature, an unknown `kid`, or an algorithm other than EdDSA (`none` included)' },
  AUTH_ERR_TOKEN_EXPIRED: { wire: 5002, message: 'token has expired', when: '`exp` is past, beyond the clock tolerance' },
  AUTH_ERR_TOKEN_CLAIMS: { wire: 5003, message: 'token claims are wrong or missing', when: 'a wrong `iss` or `aud`; a missing `sub`, `name` or `exp`; `nbf` in the future' },
  AUTH_ERR_KEY: { wire: 5004, message: 'key material is unusable', when: 'at start: key material missing, unreadable, over 64 KiB, not Ed25519, a private key where a public one belongs, a public key that does not match the private one, no key source or two' },
  AUTH_ERR_TOKEN_TOO_LARGE: { wire: 5005, message: 'token is larger than allowed', when: 'the token is longer than `auth.maxTokenBytes`' },
  AUTH_ERR_KEYS_UNAVAILABLE: { wire: 5006, message: 'verification keys cannot be fetched', when: 'the JWKS document cannot be fetched (timeout, error status, not a JWKS, nothing listening)' },
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
