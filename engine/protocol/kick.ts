/**
 * The KICK body: why a connection closes. A 2-byte big-endian numeric code, then the stable code
 * name and a message in UTF-8 as `NAME: message` (at most 512 bytes). Code 0 (`CLOSED`) is a
 * normal close by either side.
 */
import { ProtocolError } from './errors.js';

/** Why a connection closed. */
export interface CloseReason {
  /** The numeric code: 0 for a normal close, else the wire code of the error catalogue entry. */
  code: number;
  /** The stable code name, e.g. `PROTOCOL_ERR_DECRYPT`, `GATE_ERR_DUPLICATE_LOGIN`, `CLOSED`. */
  name: string;
  /** What happened, for people. */
  message: string;
  /** True when the peer closed (sent a KICK or dropped the transport), false when this side did. */
  byPeer: boolean;
}

/** The code of a normal close. */
export const CLOSED = { code: 0, name: 'CLOSED' } as const;

/** The name of a close reported when the transport dropped without a KICK (the session may be resumed). */
export const TRANSPORT_CLOSED = 'TRANSPORT_CLOSED';

/** Longest KICK body; longer reasons are cut. */
export const MAX_KICK_BYTES = 514;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The body of a KICK for `code`, `name` and `message`. */
export function encodeKick(code: number, name: string, message: string): Uint8Array {
  let text = utf8.encode(`${name}: ${message}`);
  if (text.length > MAX_KICK_BYTES - 2) text = text.subarray(0, MAX_KICK_BYTES - 2);
  const body = new Uint8Array(2 + text.length);
  body[0] = code >>> 8;
  body[1] = code & 0xff;
  body.set(text, 2);
  return body;
}

/**
 * Reads a KICK body.
 * @throws ProtocolError PROTOCOL_ERR_BAD_MESSAGE when it is shorter than its code.
 */
export function decodeKick(body: Uint8Array): Omit<CloseReason, 'byPeer'> {
  if (body.length < 2 || body.length > MAX_KICK_BYTES) throw new ProtocolError('PROTOCOL_ERR_BAD_MESSAGE', `KICK of ${body.length} bytes`);
  const text = utf8Decoder.decode(body.subarray(2));
  const split = text.indexOf(': ');
  return {
    code: (body[0]! << 8) | body[1]!,
    name: split < 0 ? text : text.slice(0, split),
    message: split < 0 ? '' : text.slice(split + 2),
  };
}
