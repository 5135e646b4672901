/**
 * The primitives the protocol's handshake and channel need, behind one interface so that the
 * same code runs on the gate (node:crypto, node-crypto-suite.ts) and in browsers (pure
 * JavaScript, noble-crypto-suite.ts): X25519, ChaCha20-Poly1305, SHA-256 and HMAC-SHA-256. Keys
 * are raw bytes. This file imports nothing, so browser bundles can take it.
 */

/** An X25519 key pair as raw 32-byte keys. */
export interface X25519KeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** ChaCha20-Poly1305 under one key. */
export interface Aead {
  /** The ciphertext followed by the 16-byte tag. */
  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Encrypts `buffer[start, end)` where it lies and writes the 16-byte tag at `end`: a packet is
   * sealed in the buffer it was built in. `buffer` has room for the tag; `ad` may be a view of it.
   */
  sealInPlace(nonce: Uint8Array, ad: Uint8Array, buffer: Uint8Array, start: number, end: number): void;
  /** The plaintext, or `undefined` when the ciphertext does not authenticate. */
  open(nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined;
}

/** One implementation of the primitives. */
export interface CryptoSuite {
  /** For logs and tests: `node` or `noble`. */
  readonly name: string;
  /** A fresh random key pair. */
  generateKeyPair(): X25519KeyPair;
  /**
   * The key pair of a raw private key.
   * @throws Error when it is not 32 bytes.
   */
  keyPairOf(privateKey: Uint8Array): X25519KeyPair;
  /**
   * The X25519 shared secret.
   * @throws Error when the public key is not 32 bytes or is a low-order point.
   */
  dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** ChaCha20-Poly1305 under a 32-byte key. */
  aead(key: Uint8Array): Aead;
  sha256(...parts: Uint8Array[]): Uint8Array;
  hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array;
}

/** Length of a raw X25519 key. */
export const X25519_KEY_BYTES = 32;

/** Bytes of the Poly1305 tag appended to every ciphertext. */
export const TAG_BYTES = 16;

/**
 * Checks a raw key's length.
 * @throws Error naming `what` when it is not 32 bytes.
 */
export function checkKey(what: string, key: Uint8Array): void {
  if (key.length !== X25519_KEY_BYTES) throw new Error(`${what} must be 32 bytes, got ${key.length}`);
}
