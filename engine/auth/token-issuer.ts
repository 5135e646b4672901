/**
 * Signs the short-lived login tokens that gates verify: compact JWS, EdDSA over Ed25519, with the
 * signing key's thumbprint as `kid` so that gates reading a JWKS pick the right key during a
 * rotation. Time comes from the injected clock, never from jose's own reading of Date.now().
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../timer/clock.js';
import type { SigningKey } from './signing-key.js';
import { TOKEN_ALGORITHM } from './verification-key.js';

/** Default token issuer (`iss`), also the verifier's default. */
export const DEFAULT_ISSUER = 'tessera';
/** Default token audience (`aud`): the gates. */
export const DEFAULT_AUDIENCE = 'tessera-gate';
/** Default token lifetime: long enough to connect to a gate, short enough that a leak soon expires. */
export const DEFAULT_TOKEN_TTL_SEC = 300;

/** Options for {@link TokenIssuer}. */
export interface TokenIssuerOptions {
  key: SigningKey;
  clock: Clock;
  /** The `iss` claim (default {@link DEFAULT_ISSUER}). */
  issuer?: string;
  /** The `aud` claim (default {@link DEFAULT_AUDIENCE}). */
  audience?: string;
  /** Seconds from issue to expiry (default {@link DEFAULT_TOKEN_TTL_SEC}); a positive integer. */
  ttlSec?: number;
  /** Claims every token carries besides the registered ones and `name`, e.g. `{ admin: true }`. */
  claims?: Readonly<Record<string, unknown>>;
}

/** Who a token is for. */
export interface TokenSubject {
  /** The account's uid: the `sub` claim. */
  uid: string;
  /** The account's username: the `name` claim. */
  name: string;
}

/** A signed token and what a client needs to know about it. */
export interface IssuedToken {
  /** The compact JWS. */
  token: string;
  /** When it expires, in epoch milliseconds (`exp` × 1000). */
  expiresAt: number;
  /** Its unique id (`jti`), for logs. */
  jti: string;
}

/** Signs login tokens with one {@link SigningKey}. */
export class TokenIssuer {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly ttlSec: number;

  /**
   * @throws RangeError when `ttlSec` is not a positive integer.
   */
  constructor(private readonly options: TokenIssuerOptions) {
    this.issuer = options.issuer ?? DEFAULT_ISSUER;
    this.audience = options.audience ?? DEFAULT_AUDIENCE;
    this.ttlSec = options.ttlSec ?? DEFAULT_TOKEN_TTL_SEC;
    if (!Number.isInteger(this.ttlSec) || this.ttlSec <= 0) throw new RangeError(`TokenIssuer: ttlSec ${this.ttlSec} must be a positive integer`);
  }

  /**
   * Signs a token for `subject`, valid from now for the configured lifetime.
   * @throws RangeError when `uid` or `name` is empty.
   */
  async issue(subject: TokenSubject): Promise<IssuedToken> {
    if (!subject.uid || !subject.name) throw new RangeError('TokenIssuer.issue: uid and name must not be empty');
    const iat = Math.floor(this.options.clock.now() / 1000);
    const exp = iat + this.ttlSec;
    const jti = randomBytes(16).toString('base64url');
    const token = await new SignJWT({ ...this.options.claims, name: subject.name })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: this.options.key.kid, typ: 'JWT' })
      .setSubject(subject.uid)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(this.options.key.privateKey);
    return { token, expiresAt: exp * 1000, jti };
  }
}
