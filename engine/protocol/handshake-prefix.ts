/**
 * The clear 4-byte prefix of a HANDSHAKE body: the lowest and highest protocol versions the client
 * speaks, then two reserved zero bytes. It is bound into the Noise prologue, so a changed prefix
 * fails the handshake.
 */
import { concatBytes, utf8Bytes } from './bytes.js';
import { PROLOGUE_LABEL } from './constants.js';
import { ProtocolError } from './errors.js';

/** Bytes of the prefix. */
export const HANDSHAKE_PREFIX_BYTES = 4;

/** The prefix for a version range. */
export function encodeHandshakePrefix(minVersion: number, maxVersion: number): Uint8Array {
  return Uint8Array.of(minVersion, maxVersion, 0, 0);
}

/**
 * Reads the prefix.
 * @throws ProtocolError PROTOCOL_ERR_HANDSHAKE when the body is too short or a reserved byte is set.
 */
export function decodeHandshakePrefix(body: Uint8Array): { minVersion: number; maxVersion: number } {
  if (body.length < HANDSHAKE_PREFIX_BYTES) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', `HANDSHAKE of ${body.length} bytes`);
  if (body[2] !== 0 || body[3] !== 0) throw new ProtocolError('PROTOCOL_ERR_HANDSHAKE', 'reserved bytes are set');
  return { minVersion: body[0]!, maxVersion: body[1]! };
}

/** The Noise prologue: the label, then the prefix. */
export function prologueOf(prefix: Uint8Array): Uint8Array {
  return concatBytes(utf8Bytes(PROLOGUE_LABEL), prefix);
}
