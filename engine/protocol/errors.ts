/**
 * The client<->gate protocol's error catalogue. A protocol error means the peer broke the
 * protocol: the connection that raised it is closed with a KICK carrying the wire code, and no
 * other connection notices. Codes are stable and never reused; each has a test and a line in
 * docs/protocol.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const PROTOCOL_ERRORS = {
  PROTOCOL_ERR_BAD_PACKET_TYPE: { wire: 4001, message: 'unknown packet type', when: 'a packet header\'s type is not 1–6' },
  PROTOCOL_ERR_FRAME_TOO_LARGE: { wire: 4002, message: 'packet is larger than the limit', when: 'a packet header declares a body over the current limit' },
  PROTOCOL_ERR_UNEXPECTED_PACKET: { wire: 4003, message: 'packet is not allowed in this state', when: 'a packet not allowed in this state, or a message kind the sender may not send' },
  PROTOCOL_ERR_VERSION: { wire: 4004, message: 'no protocol version in common', when: 'the hello offers no protocol version in common (a clear KICK)' },
  PROTOCOL_ERR_HANDSHAKE: { wire: 4005, message: 'handshake is malformed or does not verify', when: 'a malformed handshake prefix, a Noise message that does not authenticate, a bad hello, a HANDSHAKE_ACK with a body' },
  PROTOCOL_ERR_DECRYPT: { wire: 4006, message: 'packet failed authentication (tampered, replayed, reordered or truncated)', when: 'an encrypted packet fails authentication: tampered, replayed, reordered, dropped or truncated' },
  PROTOCOL_ERR_BAD_MESSAGE: { wire: 4007, message: 'message is malformed', when: 'a malformed batch, message, HEARTBEAT or KICK body' },
  PROTOCOL_ERR_DECOMPRESS: { wire: 4008, message: 'compressed payload is corrupt', when: 'a compressed payload is corrupt, truncated, has trailing bytes or inflates to another length than declared' },
  PROTOCOL_ERR_INFLATED_TOO_LARGE: { wire: 4009, message: 'payload inflates past the message size limit', when: 'a compressed payload declares more than `maxMessageBytes`' },
  PROTOCOL_ERR_UNKNOWN_ROUTE_CODE: { wire: 4010, message: 'route code is not in the dictionary', when: 'a route code past the end of the route dictionary' },
  PROTOCOL_ERR_HANDSHAKE_TIMEOUT: { wire: 4011, message: 'handshake did not complete in time', when: 'the handshake did not finish within `handshakeTimeoutMs` (from the accept)' },
  PROTOCOL_ERR_HEARTBEAT_TIMEOUT: { wire: 4012, message: 'peer went silent past the heartbeat timeout', when: 'nothing heard from the peer for `timeoutMs`' },
  PROTOCOL_ERR_MESSAGE_TOO_LARGE: { wire: 4013, message: 'message is larger than the limit', when: 'a message payload over `maxMessageBytes`' },
} as const;

/** One of the codes in {@link PROTOCOL_ERRORS}. */
export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** The peer broke the protocol; the connection must be closed. */
export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
  /** The numeric code sent in the KICK that closes the connection. */
  readonly wireCode: number = PROTOCOL_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: ProtocolErrorCode, detail: string, options?: { cause?: unknown }) {
    super(PROTOCOL_ERRORS, code, detail, options);
  }
}
