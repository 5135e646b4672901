/**
 * Control datagrams of the KCP session layer: the handshake, keepalive and close, which KCP itself
 * does not have. They share the port with KCP segments and are told apart by conv 0, which no
 * session is given.
 *
 *   offset  size  field
 *        0     4  conv = 0 (little-endian, like a segment's)
 *        4     1  type: 1 HELLO, 2 COOKIE, 3 CONNECT, 4 ACCEPT, 5 CLOSE, 6 KEEPALIVE
 *        5     1  version (1)
 *        6     …  by type:
 *   HELLO      nonce(8), zero padding to 64 bytes          client → server
 *   COOKIE     nonce(8), cookie(20)              34 bytes  server → client
 *   CONNECT    nonce(8), cookie(20), padding to 64 bytes   client → server
 *   ACCEPT     nonce(8), conv(4), never 0        18 bytes  server → client
 *   CLOSE      conv(4), reason(1)                11 bytes  either way
 *   KEEPALIVE  conv(4)                           10 bytes  either way
 *
 * HELLO and CONNECT are padded so that each answer is smaller than its request: a spoofed source
 * address gets back less than the attacker sent, never more.
 */

/** Control message types, as sent on the wire. */
export const CONTROL = {
  HELLO: 1,
  COOKIE: 2,
  CONNECT: 3,
  ACCEPT: 4,
  CLOSE: 5,
  KEEPALIVE: 6,
} as const;
/** One of the values of {@link CONTROL}. */
export type ControlType = (typeof CONTROL)[keyof typeof CONTROL];

/** Why a session was closed, as carried by CLOSE. */
export const CLOSE_REASON = {
  NORMAL: 0,
  IDLE: 1,
  DEAD_LINK: 2,
  SERVER_FULL: 3,
  PROTOCOL: 4,
  SHUTDOWN: 5,
  /**
   * A closing session held more unacknowledged data than it may linger with (a peer that stopped
   * acking): all of it, its last message included, was dropped.
   */
  BACKLOG: 6,
} as const;
/** One of the values of {@link CLOSE_REASON}. */
export type CloseReason = (typeof CLOSE_REASON)[keyof typeof CLOSE_REASON];

/** The session-layer protocol version. */
export const CONTROL_VERSION = 1;
/** Bytes of a client's nonce. */
export const NONCE_BYTES = 8;
/** Bytes of a cookie: a 4-byte epoch and a 16-byte MAC. */
export const COOKIE_BYTES = 20;
/** The size HELLO and CONNECT are padded to, at least. */
export const PADDED_REQUEST_BYTES = 64;

const HEAD = 6;

/** A decoded control message. */
export type ControlMessage =
  | { type: typeof CONTROL.HELLO; nonce: Uint8Array }
  | { type: typeof CONTROL.COOKIE; nonce: Uint8Array; cookie: Uint8Array }
  | { type: typeof CONTROL.CONNECT; nonce: Uint8Array; cookie: Uint8Array }
  | { type: typeof CONTROL.ACCEPT; nonce: Uint8Array; conv: number }
  | { type: typeof CONTROL.CLOSE; conv: number; reason: number }
  | { type: typeof CONTROL.KEEPALIVE; conv: number };

/** Whether a datagram is a control message (conv 0) rather than a KCP segment. */
export function isControl(datagram: Uint8Array): boolean {
  return datagram.length >= HEAD && datagram[0] === 0 && datagram[1] === 0 && datagram[2] === 0 && datagram[3] === 0;
}

/** Encodes a control message. */
export function encodeControl(message: ControlMessage): Uint8Array {
  let size: number;
  switch (message.type) {
    case CONTROL.HELLO:
    case CONTROL.CONNECT:
      size = PADDED_REQUEST_BYTES;
      break;
    case CONTROL.COOKIE:
      size = HEAD + NONCE_BYTES + COOKIE_BYTES;
      break;
    case CONTROL.ACCEPT:
      size = HEAD + NONCE_BYTES + 4;
      break;
    case CONTROL.CLOSE:
      size = HEAD + 5;
      break;
    case CONTROL.KEEPALIVE:
      size = HEAD + 4;
      break;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[4] = message.type;
  out[5] = CONTROL_VERSION;
  switch (message.type) {
    case CONTROL.HELLO:
      out.set(message.nonce, HEAD);
      break;
    case CONTROL.COOKIE:
    case CONTROL.CONNECT:
      out.set(message.nonce, HEAD);
      out.set(message.cookie, HEAD + NONCE_BYTES);
      break;
    case CONTROL.ACCEPT:
      out.set(message.nonce, HEAD);
      view.setUint32(HEAD + NONCE_BYTES, message.conv, true);
      break;
    case CONTROL.CLOSE:
      view.setUint32(HEAD, message.conv, true);
      out[HEAD + 4] = message.reason;
      break;
    case CONTROL.KEEPALIVE:
      view.setUint32(HEAD, message.conv, true);
      break;
  }
  return out;
}

/**
 * Decodes a control message.
 * @returns the message, or a description of what is wrong with it (the caller counts and drops).
 */
export function decodeControl(datagram: Uint8Array): ControlMessage | string {
  if (!isControl(datagram)) return 'not a control message';
  if (datagram[5] !== CONTROL_VERSION) return `version ${datagram[5]}`;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.length);
  const length = datagram.length;
  const nonce = (): Uint8Array => datagram.slice(HEAD, HEAD + NONCE_BYTES);
  switch (datagram[4]) {
    case CONTROL.HELLO:
      return length >= PADDED_REQUEST_BYTES ? { type: CONTROL.HELLO, nonce: nonce() } : 'HELLO shorter than its padding';
    case CONTROL.COOKIE:
      return length === HEAD + NONCE_BYTES + COOKIE_BYTES
        ? { type: CONTROL.COOKIE, nonce: nonce(), cookie: datagram.slice(HEAD + NONCE_BYTES, HEAD + NONCE_BYTES + COOKIE_BYTES) }
        : 'bad COOKIE length';
    case CONTROL.CONNECT:
      return length >= PADDED_REQUEST_BYTES
        ? { type: CONTROL.CONNECT, nonce: nonce(), cookie: datagram.slice(HEAD + NONCE_BYTES, HEAD + NONCE_BYTES + COOKIE_BYTES) }
        : 'CONNECT shorter than its padding';
    case CONTROL.ACCEPT: {
      if (length !== HEAD + NONCE_BYTES + 4) return 'bad ACCEPT length';
      const conv = view.getUint32(HEAD + NONCE_BYTES, true);
      // Conv 0 marks control datagrams: a session of it could never carry a KCP segment.
      return conv === 0 ? 'ACCEPT of conv 0' : { type: CONTROL.ACCEPT, nonce: nonce(), conv };
    }
    case CONTROL.CLOSE:
      return length === HEAD + 5 ? { type: CONTROL.CLOSE, conv: view.getUint32(HEAD, true), reason: datagram[HEAD + 4]! } : 'bad CLOSE length';
    case CONTROL.KEEPALIVE:
      return length === HEAD + 4 ? { type: CONTROL.KEEPALIVE, conv: view.getUint32(HEAD, true) } : 'bad KEEPALIVE length';
    default:
      return `unknown control type ${datagram[4]}`;
  }
}
