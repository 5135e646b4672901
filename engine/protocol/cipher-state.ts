/**
 * A Noise CipherState for ChaChaPoly: ChaCha20-Poly1305 with a 32-byte key and a 64-bit counter
 * nonce (four zero bytes, then the counter little-endian). Each direction of a channel has its own
 * state, so a replayed, reordered or dropped packet fails authentication at the next decrypt.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

/** Bytes of the Poly1305 tag appended to every ciphertext. */
export const TAG_BYTES = 16;

/** Nonces stop here: the key must not be used again (2^64 - 1 is reserved by Noise). */
const MAX_NONCE = 2n ** 64n - 1n;

// One scratch nonce for every cipher state: each use is synchronous, and a buffer per state would
// cost every idle connection two small allocations.
const NONCE = Buffer.alloc(12);

/** Thrown when a ciphertext does not authenticate; the caller decides what breaks. */
export class DecryptError extends Error {
  override readonly name = 'DecryptError';
}

/** One direction's key and counter. */
export class CipherState {
  private n = 0n;

  /** @param key the 32-byte key. */
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error(`cipher: key must be 32 bytes, got ${key.length}`);
  }

  /** The counter the next operation uses. */
  get counter(): bigint {
    return this.n;
  }

  /**
   * Encrypts `plaintext` with associated data `ad` and advances the counter.
   * @returns the ciphertext followed by the 16-byte tag.
   * @throws Error when the counter is exhausted.
   */
  encrypt(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const cipher = createCipheriv('chacha20-poly1305', this.key, this.nextNonce(), { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: plaintext.length });
    const body = cipher.update(plaintext);
    cipher.final();
    const out = Buffer.allocUnsafe(body.length + TAG_BYTES);
    body.copy(out, 0);
    cipher.getAuthTag().copy(out, body.length);
    return out;
  }

  /**
   * Decrypts and authenticates `ciphertext` (tag included) and advances the counter; a failure
   * leaves the counter where it was, as Noise requires.
   * @throws DecryptError when it does not authenticate or is shorter than a tag.
   */
  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < TAG_BYTES) throw new DecryptError(`ciphertext of ${ciphertext.length} bytes is shorter than a tag`);
    const split = ciphertext.length - TAG_BYTES;
    const decipher = createDecipheriv('chacha20-poly1305', this.key, this.peekNonce(), { authTagLength: TAG_BYTES });
    decipher.setAAD(ad, { plaintextLength: split });
    decipher.setAuthTag(ciphertext.subarray(split));
    const body = decipher.update(ciphertext.subarray(0, split));
    try {
      decipher.final();
    } catch {
      throw new DecryptError(`tag does not verify at nonce ${this.n}`);
    }
    this.n += 1n;
    return body;
  }

  private peekNonce(): Buffer {
    if (this.n >= MAX_NONCE) throw new Error('cipher: nonce exhausted; the channel must be rekeyed or closed');
    NONCE.writeBigUInt64LE(this.n, 4);
    return NONCE;
  }

  private nextNonce(): Buffer {
    const nonce = this.peekNonce();
    this.n += 1n;
    return nonce;
  }
}
