/**
 * The {@link CryptoSuite} in pure JavaScript (the audited noble libraries), for browsers and any
 * runtime without node:crypto. Randomness comes from `crypto.getRandomValues`.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { checkKey, TAG_BYTES, type Aead, type CryptoSuite } from './crypto-suite.js';

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function aead(key: Uint8Array): Aead {
  checkKey('chacha20-poly1305 key', key);
  return {
    seal: (nonce, ad, plaintext) => chacha20poly1305(key, nonce, ad).encrypt(plaintext),
    sealInPlace(nonce, ad, buffer, start, end) {
      chacha20poly1305(key, nonce, ad).encrypt(buffer.subarray(start, end), buffer.subarray(start, end + TAG_BYTES));
    },
    open(nonce, ad, ciphertext) {
      try {
        return chacha20poly1305(key, nonce, ad).decrypt(ciphertext);
      } catch {
        return undefined;
      }
    },
  };
}

/** The pure-JavaScript suite. */
export const nobleCryptoSuite: CryptoSuite = {
  name: 'noble',
  generateKeyPair() {
    const { secretKey, publicKey } = x25519.keygen();
    return { privateKey: secretKey, publicKey };
  },
  keyPairOf(privateKey) {
    checkKey('x25519 private key', privateKey);
    return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
  },
  dh(privateKey, publicKey) {
    checkKey('x25519 public key', publicKey);
    // Throws for low-order points, whose shared secret would be all zeros.
    return x25519.getSharedSecret(privateKey, publicKey);
  },
  aead,
  sha256: (...parts) => sha256(concat(parts)),
  hmacSha256: (key, ...parts) => hmac(sha256, key, concat(parts)),
};
