/** The {@link CryptoSuite} on node:crypto (OpenSSL): what gates and Node clients use. */
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { checkKey, TAG_BYTES, type Aead, type CryptoSuite, type X25519KeyPair } from './crypto-suite.js';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
// Private keys are used as raw bytes by the protocol; their key objects are made once each.
const privateKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyObject(raw: Uint8Array): KeyObject {
  let key = privateKeys.get(raw);
  if (!key) {
    checkKey('x25519 private key', raw);
    key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64url(raw), x: '' }, format: 'jwk' });
    privateKeys.set(raw, key);
  }
  return key;
}

function rawOf(key: KeyObject, part: 'd' | 'x'): Uint8Array {
  return Buffer.from(key.export({ format: 'jwk' })[part]!, 'base64url');
}

function aead(key: Uint8Array): Aead {
  checkKey('chacha20-poly1305 key', key);
  return {
    seal(nonce, ad, plaintext) {
      const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(ad, { plaintextLength: plaintext.length });
      const body = cipher.update(plaintext);
      cipher.final();
      const out = Buffer.allocUnsafe(body.length + TAG_BYTES);
      body.copy(out, 0);
      cipher.getAuthTag().copy(out, body.length);
      return out;
    },
    open(nonce, ad, ciphertext) {
      const split = ciphertext.length - TAG_BYTES;
      const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(ad, { plaintextLength: split });
      decipher.setAuthTag(ciphertext.subarray(split));
      const body = decipher.update(ciphertext.subarray(0, split));
      try {
        decipher.final();
      } catch {
        return undefined;
      }
      return body;
    },
  };
}

/** The node:crypto suite. */
export const nodeCryptoSuite: CryptoSuite = {
  name: 'node',
  generateKeyPair(): X25519KeyPair {
    const { privateKey, publicKey } = generateKeyPairSync('x25519');
    const raw = rawOf(privateKey, 'd');
    privateKeys.set(raw, privateKey);
    return { privateKey: raw, publicKey: rawOf(publicKey, 'x') };
  },
  keyPairOf(raw) {
    const key = privateKeyObject(raw);
    return { privateKey: raw, publicKey: rawOf(createPublicKey(key), 'x') };
  },
  dh(privateKey, publicKey) {
    checkKey('x25519 public key', publicKey);
    const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(publicKey) }, format: 'jwk' });
    return diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: peer });
  },
  aead,
  sha256(...parts) {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  hmacSha256(key, ...parts) {
    const mac = createHmac('sha256', key);
    for (const part of parts) mac.update(part);
    return mac.digest();
  },
};
