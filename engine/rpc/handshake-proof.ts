/**
 * The proofs of the RPC handshake. Servers of one cluster share a secret; each side of a new link
 * proves that it knows it by a keyed hash over everything the handshake said, both nonces
 * included, so that a proof is good for one connection in one direction only:
 *
 * ```
 * proof = HMAC-SHA256(secret, msgpack([label, version, dialerId, acceptorId, acceptorNonce, dialerNonce, ...versions]))
 * label = "tessera-rpc hello" (the dialer's proof) | "tessera-rpc welcome" (the acceptor's)
 * versions = [min, max] of the HELLO's contract range, and the contract the WELCOME chose; empty without a range
 * ```
 *
 * The contract versions are proved too, so that nobody between the two can push a link down to an
 * older contract.
 *
 * The acceptor's nonce goes out in CHALLENGE before the dialer says anything, so a recorded HELLO
 * never fits a later connection; the dialer's nonce does the same for a recorded WELCOME. The
 * acceptor proves itself only to a dialer that has proved itself first.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encode } from '../codec/msgpack-codec.js';
import { NONCE_BYTES, RPC_PROTOCOL_VERSION } from './envelope.js';


/** Which side a proof speaks for. */
export type ProofSide = 'hello' | 'welcome';

/** What a proof covers, beside the side it speaks for. */
export interface HandshakeTranscript {
  dialerId: string;
  acceptorId: string;
  acceptorNonce: Uint8Array;
  dialerNonce: Uint8Array;
  /** The RPC contract range of the HELLO, when it gave one. */
  range?: readonly [number, number] | undefined;
  /** The contract the WELCOME chose, when the HELLO gave a range. */
  contract?: number | undefined;
}

/** A fresh random nonce for one handshake. */
export function createNonce(): Uint8Array {
  return randomBytes(NONCE_BYTES);
}

/** The proof of `side` over `transcript` with `secret`. */
export function handshakeProof(secret: Uint8Array, side: ProofSide, transcript: HandshakeTranscript): Uint8Array {
  const { dialerId, acceptorId, acceptorNonce, dialerNonce, range, contract } = transcript;
  const versions = range ? [...range, ...(side === 'welcome' && contract !== undefined ? [contract] : [])] : [];
  const message = encode([`tessera-rpc ${side}`, RPC_PROTOCOL_VERSION, dialerId, acceptorId, acceptorNonce, dialerNonce, ...versions]);
  return createHmac('sha256', secret).update(message).digest();
}

/** Whether `proof` is the proof of `side` over `transcript`, compared in constant time. */
export function proofHolds(secret: Uint8Array, side: ProofSide, transcript: HandshakeTranscript, proof: Uint8Array): boolean {
  const expected = handshakeProof(secret, side, transcript);
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}
