/**
 * X25519 keys as raw 32-byte values, on top of node:crypto's key objects: the wire carries raw
 * public keys, and tests inject fixed private keys.
 */
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An X25519 key pair. */
export interface X25519KeyPair {
  /** The private key, for {@link x25519}. */
  readonly privateKey: KeyObject;
  /** The raw 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** Length of a raw X25519 key. */
export const X25519_KEY_BYTES = 32;

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** A fresh random key pair. */
export function generateX25519(): X25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKey: rawPublic(publicKey) };
}

/**
 * The key pair of a raw 32-byte private key (the gate's identity key from a file; fixed keys in
 * test vectors).
 * @throws Error when the key is not 32 bytes.
 */
export function x25519FromPrivate(raw: Uint8Array): X25519KeyPair {
  if (raw.length !== X25519_KEY_BYTES) throw new Error(`x25519: private key must be 32 bytes, got ${raw.length}`);
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(raw), x: '' }, format: 'jwk' });
  return { privateKey, publicKey: rawPublic(createPublicKey(privateKey)) };
}

/** The raw 32-byte private key, to store the gate's identity key. */
export function rawPrivate(privateKey: KeyObject): Uint8Array {
  const { d } = privateKey.export({ format: 'jwk' });
  return Buffer.from(d!, 'base64url');
}

/**
 * The shared secret of a private key and a peer's raw public key.
 * @throws Error when the public key is not 32 bytes or is a low-order point (an all-zero result).
 */
export function x25519(privateKey: KeyObject, peerPublic: Uint8Array): Uint8Array {
  if (peerPublic.length !== X25519_KEY_BYTES) throw new Error(`x25519: public key must be 32 bytes, got ${peerPublic.length}`);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(peerPublic) }, format: 'jwk' });
  return diffieHellman({ privateKey, publicKey });
}

function rawPublic(publicKey: KeyObject): Uint8Array {
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x!, 'base64url');
}
