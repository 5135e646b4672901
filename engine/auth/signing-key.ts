/**
 * The login service's Ed25519 signing key pair. Production loads it from PEM files (PKCS #8
 * private key, optionally the SPKI public key, which must match); standalone and development
 * generate one per process, so tokens stop verifying when the process restarts.
 */
import { calculateJwkThumbprint, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { AuthError } from './errors.js';
import { readKeyFile } from './read-key-file.js';
import { importVerificationKey, TOKEN_ALGORITHM } from './verification-key.js';

/** An Ed25519 key pair with its public JWK, whose `kid` is the RFC 7638 thumbprint. */
export class SigningKey {
  /** Use {@link SigningKey.generate}, {@link SigningKey.fromPem} or {@link SigningKey.fromPemFiles}. */
  private constructor(
    /** Signs tokens; extractable only so that {@link SigningKey.exportPrivatePem} can write it. */
    readonly privateKey: CryptoKey,
    /** Verifies tokens. */
    readonly publicKey: CryptoKey,
    /** `{ kty, crv, x, kid, alg: 'EdDSA', use: 'sig' }`, as served in the JWKS document. Frozen. */
    readonly publicJwk: Readonly<JWK>,
  ) {}

  /** The key id put in every token header: the RFC 7638 thumbprint of the public key. */
  get kid(): string {
    return this.publicJwk.kid!;
  }

  /** Generates a fresh key pair (for standalone mode, development and tests). */
  static async generate(): Promise<SigningKey> {
    // A JWK export of a freshly generated key can deadlock Node 20 (node-crypto-suite.ts). This
    // one runs once per process at start-up, never per connection, and the watchdog would end a
    // process it hung.
    const pair = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
    return SigningKey.assemble(pair.privateKey, await exportJWK(pair.publicKey));
  }

  /**
   * Imports a key pair from PEM text.
   * @param privatePem the PKCS #8 private key.
   * @param publicPem the SPKI public key; when given it must belong to the private key.
   * @throws AuthError AUTH_ERR_KEY when a key is not Ed25519, cannot be parsed, or the two do not match.
   */
  static async fromPem(privatePem: string, publicPem?: string): Promise<SigningKey> {
    let privateKey: CryptoKey;
    let privateJwk: JWK;
    try {
      privateKey = await importPKCS8(privatePem, TOKEN_ALGORITHM, { extractable: true });
      privateJwk = await exportJWK(privateKey);
    } catch (err) {
      throw new AuthError('AUTH_ERR_KEY', `not an Ed25519 PKCS #8 PEM private key: ${(err as Error).message}`, { cause: err });
    }
    if (privateJwk.crv !== 'Ed25519' || typeof privateJwk.x !== 'string') {
      throw new AuthError('AUTH_ERR_KEY', `expected an Ed25519 private key, got crv ${String(privateJwk.crv)}`);
    }
    const derived: JWK = { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x };
    if (publicPem !== undefined) {
      const given = await importVerificationKey(publicPem);
      // A mismatched pair would sign tokens that every gate refuses: fail at start instead.
      if (given.jwk.x !== derived.x) throw new AuthError('AUTH_ERR_KEY', 'the public key does not belong to the private key');
    }
    return SigningKey.assemble(privateKey, derived);
  }

  /**
   * Reads a key pair from PEM files.
   * @param privateKeyPath the PKCS #8 private key file.
   * @param publicKeyPath the SPKI public key file, checked against the private key when given.
   * @throws AuthError AUTH_ERR_KEY when a file is missing, too large or holds an unusable key.
   */
  static async fromPemFiles(privateKeyPath: string, publicKeyPath?: string): Promise<SigningKey> {
    const privatePem = await readKeyFile(privateKeyPath, 'private key');
    const publicPem = publicKeyPath === undefined ? undefined : await readKeyFile(publicKeyPath, 'public key');
    return SigningKey.fromPem(privatePem, publicPem);
  }

  /** The private key as PKCS #8 PEM, to write a generated key to a file. */
  exportPrivatePem(): Promise<string> {
    return exportPKCS8(this.privateKey);
  }

  /** The public key as SPKI PEM, for gates configured with `auth.publicKeyPath`. */
  exportPublicPem(): Promise<string> {
    return exportSPKI(this.publicKey);
  }

  private static async assemble(privateKey: CryptoKey, jwk: JWK): Promise<SigningKey> {
    const { key } = await importVerificationKey({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! });
    const bare = { kty: 'OKP', crv: 'Ed25519', x: jwk.x! };
    const kid = await calculateJwkThumbprint(bare, 'sha256');
    const publicJwk = Object.freeze({ ...bare, kid, alg: TOKEN_ALGORITHM, use: 'sig' });
    return new SigningKey(privateKey, key, publicJwk);
  }
}
