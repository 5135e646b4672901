/**
 * The {@link CryptoSuite} on node:crypto (OpenSSL): what gates and Node clients use.
 *
 * Keys cross into and out of OpenSSL as DER only, never as JWK. Node 20's JWK export of a freshly
 * generated key can deadlock the process: the export holds the key's lock while it allocates, a
 * garbage collection during that allocation destroys the finished key generation job, and the
 * job's destructor takes the same lock. DER export takes no lock. The raw 32-byte key is the end
 * of its DER encoding, and a raw key is imported by putting the fixed DER prefix in front of it.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { checkKey, TAG_BYTES, X25519_KEY_BYTES, type Aead, type CryptoSuite, type X25519KeyPair } from './crypto-suite.js';

// The DER encodings of X25519 keys are a fixed prefix followed by the raw 32-byte key (RFC 8410).
/** PKCS #8 PrivateKeyInfo: SEQUENCE { version 0, AlgorithmIdentifier { id-X25519 }, OCTET STRING { OCTET STRING (32) } }. */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier { id-X25519 }, BIT STRING (0 unused bits, 32 bytes) }. */
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

// The protocol passes keys as raw bytes and never changes them once made; the key object of each
// is made once. Weak maps: an entry lives as long as its bytes.
const privateKeys = new WeakMap<Uint8Array, KeyObject>();
const publicKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyObject(raw: Uint8Array): KeyObject {
  let key = privateKeys.get(raw);
  if (!key) {
    checkKey('x25519 private key', raw);
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
    privateKeys.set(raw, key);
  }
  return key;
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  let key = publicKeys.get(raw);
  if (!key) {
    checkKey('x25519 public key', raw);
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    publicKeys.set(raw, key);
  }
  return key;
}

/** The curve's base point, u = 9 (RFC 7748 section 4.1). */
const BASE_POINT = publicKeyObject(Uint8Array.of(9, ...new Array<number>(31).fill(0)));

/**
 * The raw public key of a private key: X25519(private key, 9), by definition (RFC 7748 section
 * 6.1). Cheaper than OpenSSL's SPKI encoder, and the same bytes.
 */
function rawPublicKeyOf(privateKey: KeyObject): Uint8Array {
  return diffieHellman({ privateKey, publicKey: BASE_POINT });
}

/**
 * A cipher object per operation: OpenSSL's context takes one key and nonce at creation, and
 * node:crypto cannot re-key one. Even so it is cheaper per packet than the pure-JS
 * ChaCha20-Poly1305 of @noble/ciphers at the sizes games send (bench/protocol.bench.ts).
 */
function aead(key: Uint8Array): Aead {
  checkKey('chacha20-poly1305 key', key);
  const cipherOf = (nonce: Uint8Array, ad: Uint8Array, length: number) => {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: length });
    return cipher;
  };
  return {
    seal(nonce, ad, plaintext) {
      const cipher = cipherOf(nonce, ad, plaintext.length);
      const body = cipher.update(plaintext);
      cipher.final();
      return Buffer.concat([body, cipher.getAuthTag()], body.length + TAG_BYTES);
    },
    sealInPlace(nonce, ad, buffer, start, end) {
      const cipher = cipherOf(nonce, ad, end - start);
      // OpenSSL writes the ciphertext into a buffer of its own: one copy back into the packet.
      buffer.set(cipher.update(buffer.subarray(start, end)), start);
      cipher.final();
      buffer.set(cipher.getAuthTag(), end);
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
    const { privateKey } = generateKeyPairSync('x25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const raw = der.subarray(der.length - X25519_KEY_BYTES);
    privateKeys.set(raw, privateKey);
    return { privateKey: raw, publicKey: rawPublicKeyOf(privateKey) };
  },
  keyPairOf(raw) {
    return { privateKey: raw, publicKey: rawPublicKeyOf(privateKeyObject(raw)) };
  },
  dh(privateKey, publicKey) {
    return diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) });
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
