/**
 * The handshake of the client<->gate protocol: Noise NK with X25519, ChaChaPoly and SHA-256
 * (`Noise_NK_25519_ChaChaPoly_SHA256`, noiseprotocol.org revision 34). The client knows the gate's
 * static public key in advance (the login service hands it out), so only the gate can complete
 * the handshake; both sides contribute ephemeral keys, so every connection has fresh keys.
 *
 * ```
 * NK:
 *   <- s
 *   ...
 *   -> e, es      HANDSHAKE        (client → gate)
 *   <- e, ee      HANDSHAKE_REPLY  (gate → client); then Split()
 * ```
 *
 * Pure functions of bytes and keys over a {@link CryptoSuite}; the ephemeral key may be injected
 * for test vectors.
 */
import { concatBytes } from './bytes.js';
import { CipherState, DecryptError } from './cipher-state.js';
import { X25519_KEY_BYTES, type CryptoSuite, type X25519KeyPair } from './crypto-suite.js';

/** The Noise protocol name; 32 bytes, so it is the initial hash itself. */
export const NOISE_PROTOCOL_NAME = 'Noise_NK_25519_ChaChaPoly_SHA256';

/** The two transport cipher states a finished handshake yields. */
export interface TransportKeys {
  send: CipherState;
  recv: CipherState;
  /** The handshake hash, unique per connection (channel binding). */
  handshakeHash: Uint8Array;
}

/** Thrown when a handshake message is malformed or does not authenticate. */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
}

/** HKDF as Noise defines it, with two outputs. */
function hkdf2(suite: CryptoSuite, chainingKey: Uint8Array, material: Uint8Array): [Uint8Array, Uint8Array] {
  const temp = suite.hmacSha256(chainingKey, material);
  const first = suite.hmacSha256(temp, Uint8Array.of(1));
  return [first, suite.hmacSha256(temp, first, Uint8Array.of(2))];
}

/** Noise's SymmetricState: chaining key, handshake hash and the handshake cipher. */
class SymmetricState {
  private ck: Uint8Array;
  h: Uint8Array;
  private cipher: CipherState | undefined;

  constructor(
    readonly suite: CryptoSuite,
    prologue: Uint8Array,
  ) {
    this.h = new TextEncoder().encode(NOISE_PROTOCOL_NAME);
    this.ck = this.h;
    this.mixHash(prologue);
  }

  mixHash(data: Uint8Array): void {
    this.h = this.suite.sha256(this.h, data);
  }

  mixKey(material: Uint8Array): void {
    const [ck, key] = hkdf2(this.suite, this.ck, material);
    this.ck = ck;
    this.cipher = new CipherState(this.suite.aead(key));
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const out = this.cipher ? this.cipher.encrypt(this.h, plaintext) : plaintext;
    this.mixHash(out);
    return out;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const out = this.cipher ? this.cipher.decrypt(this.h, ciphertext) : ciphertext;
    this.mixHash(ciphertext);
    return out;
  }

  split(initiator: boolean): TransportKeys {
    const [k1, k2] = hkdf2(this.suite, this.ck, new Uint8Array(0));
    const first = new CipherState(this.suite.aead(k1));
    const second = new CipherState(this.suite.aead(k2));
    return initiator ? { send: first, recv: second, handshakeHash: this.h } : { send: second, recv: first, handshakeHash: this.h };
  }
}

/** The client's half-done handshake, waiting for the reply. */
export interface InitiatorState {
  readonly symmetric: SymmetricState;
  readonly ephemeral: X25519KeyPair;
}

function dh(suite: CryptoSuite, pair: X25519KeyPair, peer: Uint8Array): Uint8Array {
  try {
    return suite.dh(pair.privateKey, peer);
  } catch (err) {
    throw new HandshakeError(`key agreement failed: ${(err as Error).message}`);
  }
}

/**
 * The client writes message 1 (`e, es`).
 * @param suite the primitives.
 * @param serverStatic the gate's static public key, known in advance.
 * @param prologue bytes both sides must agree on (bound into the handshake hash).
 * @param payload encrypted under the `es` key.
 * @param ephemeral a fixed ephemeral key, for test vectors only.
 */
export function writeMessage1(
  suite: CryptoSuite,
  serverStatic: Uint8Array,
  prologue: Uint8Array,
  payload: Uint8Array,
  ephemeral: X25519KeyPair = suite.generateKeyPair(),
): { message: Uint8Array; state: InitiatorState } {
  const symmetric = new SymmetricState(suite, prologue);
  symmetric.mixHash(serverStatic);
  symmetric.mixHash(ephemeral.publicKey);
  symmetric.mixKey(dh(suite, ephemeral, serverStatic));
  const sealed = symmetric.encryptAndHash(payload);
  return { message: concatBytes(ephemeral.publicKey, sealed), state: { symmetric, ephemeral } };
}

/**
 * The gate reads message 1 and writes message 2 (`e, ee`), finishing its side.
 * @param serverStatic the gate's static key pair.
 * @throws HandshakeError when message 1 is malformed or does not authenticate.
 */
export function respond(
  suite: CryptoSuite,
  serverStatic: X25519KeyPair,
  prologue: Uint8Array,
  message1: Uint8Array,
  replyPayload: (clientPayload: Uint8Array) => Uint8Array,
  ephemeral: X25519KeyPair = suite.generateKeyPair(),
): { message: Uint8Array; clientPayload: Uint8Array; keys: TransportKeys } {
  if (message1.length < X25519_KEY_BYTES + 16) throw new HandshakeError(`message 1 of ${message1.length} bytes is too short`);
  const symmetric = new SymmetricState(suite, prologue);
  symmetric.mixHash(serverStatic.publicKey);
  const clientEphemeral = message1.subarray(0, X25519_KEY_BYTES);
  symmetric.mixHash(clientEphemeral);
  symmetric.mixKey(dh(suite, serverStatic, clientEphemeral));
  const clientPayload = openHandshake(symmetric, message1.subarray(X25519_KEY_BYTES), 'message 1');
  symmetric.mixHash(ephemeral.publicKey);
  symmetric.mixKey(dh(suite, ephemeral, clientEphemeral));
  const sealed = symmetric.encryptAndHash(replyPayload(clientPayload));
  return { message: concatBytes(ephemeral.publicKey, sealed), clientPayload, keys: symmetric.split(false) };
}

/**
 * The client reads message 2, finishing its side.
 * @throws HandshakeError when message 2 is malformed or does not authenticate (a gate without the
 * expected static key lands here).
 */
export function readMessage2(state: InitiatorState, message2: Uint8Array): { payload: Uint8Array; keys: TransportKeys } {
  if (message2.length < X25519_KEY_BYTES + 16) throw new HandshakeError(`message 2 of ${message2.length} bytes is too short`);
  const { symmetric, ephemeral } = state;
  const serverEphemeral = message2.subarray(0, X25519_KEY_BYTES);
  symmetric.mixHash(serverEphemeral);
  symmetric.mixKey(dh(symmetric.suite, ephemeral, serverEphemeral));
  const payload = openHandshake(symmetric, message2.subarray(X25519_KEY_BYTES), 'message 2');
  return { payload, keys: symmetric.split(true) };
}

function openHandshake(symmetric: SymmetricState, sealed: Uint8Array, which: string): Uint8Array {
  try {
    return symmetric.decryptAndHash(sealed);
  } catch (err) {
    if (err instanceof DecryptError) throw new HandshakeError(`${which} does not authenticate`);
    throw err;
  }
}
