/**
 * A Noise CipherState for ChaChaPoly: ChaCha20-Poly1305 with a 64-bit counter nonce (four zero
 * bytes, then the counter little-endian). Each direction of a channel has its own state, so a
 * replayed, reordered or dropped packet fails authentication at the next decrypt.
 */
import { TAG_BYTES, type Aead } from './crypto-suite.js';

/** Nonces stop here: the key must not be used again (2^64 - 1 is reserved by Noise). */
const MAX_NONCE = 2n ** 64n - 1n;

// One scratch nonce for every cipher state: each use is synchronous and the AEAD copies it, and a
// buffer per state would cost every idle connection two small allocations.
const NONCE = new Uint8Array(12);
const NONCE_VIEW = new DataView(NONCE.buffer);

/** Thrown when a ciphertext does not authenticate; the caller decides what breaks. */
export class DecryptError extends Error {
  override readonly name = 'DecryptError';
}

/** One direction's key and counter. */
export class CipherState {
  private n = 0n;

  /** @param aead ChaCha20-Poly1305 under this direction's key. */
  constructor(private readonly aead: Aead) {}

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
    const sealed = this.aead.seal(this.nonce(), ad, plaintext);
    this.n += 1n;
    return sealed;
  }

  /**
   * Encrypts `buffer[start, end)` in place with associated data `ad`, writes the 16-byte tag at
   * `end`, and advances the counter.
   * @throws Error when the counter is exhausted.
   */
  encryptInPlace(ad: Uint8Array, buffer: Uint8Array, start: number, end: number): void {
    this.aead.sealInPlace(this.nonce(), ad, buffer, start, end);
    this.n += 1n;
  }

  /**
   * Decrypts and authenticates `ciphertext` (tag included) and advances the counter; a failure
   * leaves the counter where it was, as Noise requires.
   * @throws DecryptError when it does not authenticate or is shorter than a tag.
   */
  decrypt(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length < TAG_BYTES) throw new DecryptError(`ciphertext of ${ciphertext.length} bytes is shorter than a tag`);
    const plaintext = this.aead.open(this.nonce(), ad, ciphertext);
    if (!plaintext) throw new DecryptError(`tag does not verify at nonce ${this.n}`);
    this.n += 1n;
    return plaintext;
  }

  private nonce(): Uint8Array {
    if (this.n >= MAX_NONCE) throw new Error('cipher: nonce exhausted; the channel must be rekeyed or closed');
    NONCE_VIEW.setBigUint64(4, this.n, true);
    return NONCE;
  }
}
