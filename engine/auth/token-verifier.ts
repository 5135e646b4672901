/**
 * Verifies login tokens on the gate, with public keys only: a configured Ed25519 key, or the
 * login service's JWKS document fetched over HTTP. Only EdDSA is accepted, so neither an unsigned
 * token (`alg: none`) nor an HMAC token keyed with the public key's bytes can pass. Time comes
 * from the injected clock; jose's JWKS cache keeps its own wall-clock ages, which only decide when
 * the document is fetched again.
 */
import { createRemoteJWKSet, errors, jwtVerify, type CryptoKey, type JWK, type JWTPayload, type RemoteJWKSet } from 'jose';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../timer/clock.js';
import { AuthError } from './errors.js';
import { readKeyFile } from './read-key-file.js';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './token-issuer.js';
import { importVerificationKey, TOKEN_ALGORITHM } from './verification-key.js';

/** Default allowance for clocks that disagree between the login service and the gate. */
export const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
/** Default cap on a token's length; ours are about 400 bytes. */
export const DEFAULT_MAX_TOKEN_BYTES = 4096;

/** Options for {@link TokenVerifier.create}. Give exactly one of `key` and `jwksUrl`. */
export interface TokenVerifierOptions {
  clock: Clock;
  /** The issuer's public key: a public JWK or an SPKI PEM string. */
  key?: Readonly<JWK> | string;
  /** Where the issuer's JWKS document is served, e.g. `http://login:8080/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** The required `iss` (default `tessera`). */
  issuer?: string;
  /** The required `aud` (default `tessera-gate`). */
  audience?: string;
  /** Seconds of clock difference forgiven on `exp` and `nbf` (default 30). */
  clockToleranceSec?: number;
  /** Longer tokens are refused before parsing (default 4,096 bytes). */
  maxTokenBytes?: number;
  /** JWKS fetching: request timeout (default 5,000 ms), refetch cooldown (30,000 ms), cache age (600,000 ms). */
  jwks?: { timeoutMs?: number; cooldownMs?: number; cacheMaxAgeMs?: number };
}

/** Who a verified token names. */
export interface VerifiedToken {
  /** The account uid (`sub`). */
  uid: string;
  /** The username (`name`). */
  name: string;
  /** When the token expires, in epoch milliseconds. */
  expiresAt: number;
  /** Set when the token carries the claim `admin: true` (an admin token, services/admin/). */
  admin?: true;
}

// A compact JWS: three base64url parts; the signature must not be empty. Checking this first also
// guarantees ASCII, so the length in characters is the length in bytes.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Checks login tokens. Create it with {@link TokenVerifier.create} or {@link TokenVerifier.fromConfig}. */
export class TokenVerifier {
  private constructor(
    private readonly keys: CryptoKey | RemoteJWKSet,
    private readonly remote: boolean,
    private readonly options: TokenVerifierOptions,
  ) {}

  /**
   * Imports the key, or prepares the JWKS fetcher (nothing is fetched until the first token).
   * @throws AuthError AUTH_ERR_KEY when the key is unusable, the URL is not http(s), or not exactly one of `key` and `jwksUrl` is given.
   */
  static async create(options: TokenVerifierOptions): Promise<TokenVerifier> {
    if ((options.key === undefined) === (options.jwksUrl === undefined)) {
      throw new AuthError('AUTH_ERR_KEY', 'give exactly one of a public key and a JWKS URL');
    }
    if (options.key !== undefined) return new TokenVerifier((await importVerificationKey(options.key)).key, false, options);
    let url: URL;
    try {
      url = new URL(options.jwksUrl!);
    } catch (err) {
      throw new AuthError('AUTH_ERR_KEY', `JWKS URL ${options.jwksUrl}: not a URL`, { cause: err });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AuthError('AUTH_ERR_KEY', `JWKS URL ${url.href}: not http(s)`);
    const { timeoutMs = 5_000, cooldownMs = 30_000, cacheMaxAgeMs = 600_000 } = options.jwks ?? {};
    // Keys are imported from JWK when the document is fetched (at most once per cooldown), never
    // per token or connection; an import makes a new key, which no key generation job shares.
    const keys = createRemoteJWKSet(url, { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, cacheMaxAge: cacheMaxAgeMs });
    return new TokenVerifier(keys, true, options);
  }

  /**
   * A verifier for the `auth` configuration section: `key` when given (standalone mode passes the
   * login service's own), else the file at `publicKeyPath`, else `jwksUrl`.
   * @throws AuthError AUTH_ERR_KEY when no key source is configured, both a path and a URL are, or the key is unusable.
   */
  static async fromConfig(config: Config['auth'], deps: { clock: Clock; key?: Readonly<JWK> | string }): Promise<TokenVerifier> {
    const { publicKeyPath, jwksUrl } = config;
    if (deps.key === undefined && publicKeyPath !== undefined && jwksUrl !== undefined) {
      throw new AuthError('AUTH_ERR_KEY', 'auth.publicKeyPath and auth.jwksUrl are both set; set one');
    }
    const common = {
      clock: deps.clock,
      issuer: config.issuer,
      audience: config.audience,
      clockToleranceSec: config.clockToleranceSec,
      maxTokenBytes: config.maxTokenBytes,
    };
    if (deps.key !== undefined) return TokenVerifier.create({ ...common, key: deps.key });
    if (publicKeyPath !== undefined) return TokenVerifier.create({ ...common, key: await readKeyFile(publicKeyPath, 'auth.publicKeyPath') });
    if (jwksUrl !== undefined) return TokenVerifier.create({ ...common, jwksUrl });
    throw new AuthError('AUTH_ERR_KEY', 'no verification key: set auth.publicKeyPath or auth.jwksUrl');
  }

  /**
   * Checks a token's size, form, signature, algorithm, issuer, audience and expiry.
   * @param token what the client sent; anything but a string is refused.
   * @throws AuthError AUTH_ERR_TOKEN_TOO_LARGE, AUTH_ERR_TOKEN_INVALID, AUTH_ERR_TOKEN_EXPIRED,
   *   AUTH_ERR_TOKEN_CLAIMS, or AUTH_ERR_KEYS_UNAVAILABLE when the JWKS document cannot be fetched.
   */
  async verify(token: unknown): Promise<VerifiedToken> {
    const max = this.options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
    if (typeof token !== 'string') throw new AuthError('AUTH_ERR_TOKEN_INVALID', `expected a string, got ${typeof token}`);
    if (token.length > max) throw new AuthError('AUTH_ERR_TOKEN_TOO_LARGE', `${token.length} bytes, more than ${max}`);
    if (!COMPACT_JWS.test(token)) throw new AuthError('AUTH_ERR_TOKEN_INVALID', 'not a signed compact JWT');
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: [TOKEN_ALGORITHM],
        issuer: this.options.issuer ?? DEFAULT_ISSUER,
        audience: this.options.audience ?? DEFAULT_AUDIENCE,
        clockTolerance: this.options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
        currentDate: new Date(this.options.clock.now()),
        requiredClaims: ['sub', 'exp'],
      };
      // Two calls rather than a union argument: jwtVerify's overloads differ for a key and a key set.
      payload = (this.remote ? await jwtVerify(token, this.keys as RemoteJWKSet, options) : await jwtVerify(token, this.keys as CryptoKey, options)).payload;
    } catch (err) {
      throw this.toAuthError(err);
    }
    const { sub, name, exp } = payload;
    if (typeof sub !== 'string' || sub === '') throw new AuthError('AUTH_ERR_TOKEN_CLAIMS', 'sub is not a non-empty string');
    if (typeof name !== 'string' || name === '') throw new AuthError('AUTH_ERR_TOKEN_CLAIMS', 'name is not a non-empty string');
    return payload.admin === true ? { uid: sub, name, expiresAt: exp! * 1000, admin: true } : { uid: sub, name, expiresAt: exp! * 1000 };
  }

  // jose's errors, in the auth catalogue. The detail keeps jose's reason for the gate's log.
  private toAuthError(err: unknown): Error {
    if (err instanceof errors.JWTExpired) return new AuthError('AUTH_ERR_TOKEN_EXPIRED', err.message, { cause: err });
    if (err instanceof errors.JWTClaimValidationFailed) return new AuthError('AUTH_ERR_TOKEN_CLAIMS', err.message, { cause: err });
    if (
      err instanceof errors.JWKSTimeout ||
      err instanceof errors.JWKSInvalid ||
      // A failed fetch or a non-200 answer: the generic JOSEError or fetch's own TypeError.
      (this.remote && (!(err instanceof errors.JOSEError) || err.code === 'ERR_JOSE_GENERIC'))
    ) {
      return new AuthError('AUTH_ERR_KEYS_UNAVAILABLE', (err as Error).message, { cause: err });
    }
    if (err instanceof errors.JOSEError) return new AuthError('AUTH_ERR_TOKEN_INVALID', err.message, { cause: err });
    return err as Error;
  }
}
