/**
 * Public keys that verify login tokens: Ed25519 only, given as a JWK or an SPKI PEM. Anything
 * else (another curve, an RSA key, a private key where a public one belongs) is refused at start
 * rather than at the first token.
 */
import { exportJWK, importJWK, importSPKI, type CryptoKey, type JWK } from 'jose';
import { AuthError } from './errors.js';

/** The one signature algorithm login tokens use. */
export const TOKEN_ALGORITHM = 'EdDSA';

/** An imported public key and its JWK form (`kty`, `crv`, `x` only). */
export interface VerificationKey {
  readonly key: CryptoKey;
  readonly jwk: Readonly<JWK>;
}

/**
 * Imports an Ed25519 public key. Called once per verifier at start-up, never per connection (the
 * JWK export here is of an imported key, not of a freshly generated one; see node-crypto-suite.ts).
 * @param material a public JWK (`kty: OKP`, `crv: Ed25519`, no `d`) or an SPKI PEM string.
 * @throws AuthError AUTH_ERR_KEY when the material is not an Ed25519 public key.
 */
export async function importVerificationKey(material: Readonly<JWK> | string): Promise<VerificationKey> {
  let jwk: Readonly<JWK>;
  try {
    jwk = typeof material === 'string' ? await exportJWK(await importSPKI(material, TOKEN_ALGORITHM, { extractable: true })) : material;
  } catch (err) {
    throw new AuthError('AUTH_ERR_KEY', `not an Ed25519 SPKI PEM public key: ${(err as Error).message}`, { cause: err });
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new AuthError('AUTH_ERR_KEY', `expected an Ed25519 public key, got kty ${String(jwk.kty)} crv ${String(jwk.crv)}`);
  }
  // A private JWK would import as a private key; a verifier must never hold one.
  if ('d' in jwk) throw new AuthError('AUTH_ERR_KEY', 'a private key was given where a public key belongs');
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  try {
    // Extractable: a public key is no secret, and callers export it as PEM for gates.
    const key = (await importJWK(publicJwk, TOKEN_ALGORITHM, { extractable: true })) as CryptoKey;
    return { key, jwk: Object.freeze(publicJwk) };
  } catch (err) {
    throw new AuthError('AUTH_ERR_KEY', `cannot import the public key: ${(err as Error).message}`, { cause: err });
  }
}
