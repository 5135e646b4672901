/**
 * The login service's error catalogue, with the HTTP status each code is answered with. Error
 * bodies are `{ error: { code, wire, message } }`. Codes are stable and never reused; each has a
 * test and a line in docs/login.md.
 */
import { CodedError } from '../../engine/errors/coded-error.js';

export const LOGIN_ERRORS = {
  LOGIN_ERR_BAD_REQUEST: { wire: 5101, status: 400, message: 'request is malformed', when: 'missing or unknown keys, wrong types, not an object, an invalid username, a password too short or too long' },
  LOGIN_ERR_USERNAME_TAKEN: { wire: 5102, status: 409, message: 'username is taken', when: '`/register` with a name that exists (in any casing)' },
  // One answer for an unknown user and a wrong password, so that it reveals neither.
  LOGIN_ERR_BAD_CREDENTIALS: { wire: 5103, status: 401, message: 'wrong username or password', when: '`/login` with an unknown username or a wrong password: one answer for both' },
  LOGIN_ERR_RATE_LIMITED: { wire: 5104, status: 429, message: 'too many attempts; retry later', when: 'too many attempts from this address, or from this address on this username, or this address must wait between attempts on a username under attack' },
  LOGIN_ERR_NO_GATE: { wire: 5105, status: 503, message: 'no gate is available', when: 'the password was right but no gate can take the player; no token is issued' },
  LOGIN_ERR_UNAVAILABLE: { wire: 5106, status: 503, message: 'service is busy or its store is unavailable; retry later', when: '`login.hashing.maxQueuedLogins` logins already wait for a password check, or the account store is closed or unreachable' },
  // Registrations have a budget of their own, so that a flood of them never keeps players from logging in.
  LOGIN_ERR_REGISTER_BUSY: { wire: 5107, status: 503, message: 'too many registrations right now; retry later', when: '`/register` while `login.hashing.maxRegistrations` registrations are already hashing or waiting' },
} as const;

/** One of the codes in {@link LOGIN_ERRORS}. */
export type LoginErrorCode = keyof typeof LOGIN_ERRORS;

/** A refused register or login request. */
export class LoginError extends CodedError<LoginErrorCode> {
  override readonly name = 'LoginError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = LOGIN_ERRORS[this.code].wire;
  /** The HTTP status it is answered with. */
  readonly status: number = LOGIN_ERRORS[this.code].status;
  /** For LOGIN_ERR_RATE_LIMITED, LOGIN_ERR_UNAVAILABLE and LOGIN_ERR_REGISTER_BUSY: milliseconds until a retry may succeed. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong; it is sent to the client, so it must not say more than the code may.
   * @param options `cause`: the error behind it; `retryAfterMs`: when the client may try again.
   */
  constructor(code: LoginErrorCode, detail: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(LOGIN_ERRORS, code, detail, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** The error body sent to the client. */
  toBody(): { error: { code: LoginErrorCode; wire: number; message: string } } {
    return { error: { code: this.code, wire: this.wireCode, message: `${LOGIN_ERRORS[this.code].message}: ${this.detail}` } };
  }
}
