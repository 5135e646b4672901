/**
 * Encodes messages; pure functions. A message is one byte of kind and flags, an id (varint) for
 * requests, responses and errors, a route for requests, notifies and pushes (a 2-byte dictionary
 * code, or a length byte and UTF-8), then the payload, compressed when that pays.
 * A DATA packet's plaintext is a batch: each message preceded by its length as a varint.
 */
import type { Compression } from './compression.js';
import { maybeCompress } from './compression.js';
import { MAX_ROUTE_BYTES, MESSAGE_FLAG, MESSAGE_KIND } from './constants.js';
import { ProtocolError } from './errors.js';
import type { Message } from './message.js';
import type { RouteDictionary } from './route-dictionary.js';
import { varintSize, writeVarint } from './varint.js';

/** How messages are encoded on one connection. */
export interface MessageEncoding {
  dictionary: RouteDictionary;
  /** The negotiated compression, if any. */
  compression: Compression | undefined;
  /** Payloads of at least this many bytes are compressed when that makes them smaller. */
  compressThreshold: number;
  /** Largest payload (before compression). */
  maxMessageBytes: number;
}

const utf8 = new TextEncoder();

/**
 * The bytes of one message (without its length prefix).
 * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the payload is over the limit.
 * @throws RangeError for a programmer error: a route of 0 or more than 255 bytes, an id out of range.
 */
export function encodeMessage(message: Message, encoding: MessageEncoding): Uint8Array {
  if (message.payload.length > encoding.maxMessageBytes) {
    throw new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', `payload of ${message.payload.length} bytes > ${encoding.maxMessageBytes}`);
  }
  let flags: number = message.kind;
  let payload = message.payload;
  if (encoding.compression) {
    const compressed = maybeCompress(encoding.compression, payload, encoding.compressThreshold);
    if (compressed) {
      payload = compressed;
      flags |= MESSAGE_FLAG.COMPRESSED;
    }
  }
  const hasId = message.kind === MESSAGE_KIND.REQUEST || message.kind === MESSAGE_KIND.RESPONSE || message.kind === MESSAGE_KIND.ERROR;
  const id = hasId ? message.id : 0;
  if (hasId && (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff || (id === 0 && message.kind !== MESSAGE_KIND.ERROR))) {
    throw new RangeError(`message id ${id} out of range`);
  }
  let routeCode: number | undefined;
  let routeBytes: Uint8Array | undefined;
  if ('route' in message) {
    routeCode = encoding.dictionary.codeOf(message.route);
    if (routeCode === undefined) {
      routeBytes = utf8.encode(message.route);
      if (routeBytes.length === 0 || routeBytes.length > MAX_ROUTE_BYTES) throw new RangeError(`route ${JSON.stringify(message.route)} must be 1..255 bytes`);
    } else {
      flags |= MESSAGE_FLAG.ROUTE_CODED;
    }
  }
  const size = 1 + (hasId ? varintSize(id) : 0) + (routeCode !== undefined ? 2 : routeBytes ? 1 + routeBytes.length : 0) + payload.length;
  const out = new Uint8Array(size);
  out[0] = flags;
  let at = 1;
  if (hasId) at = writeVarint(out, at, id);
  if (routeCode !== undefined) {
    out[at++] = routeCode >>> 8;
    out[at++] = routeCode & 0xff;
  } else if (routeBytes) {
    out[at++] = routeBytes.length;
    out.set(routeBytes, at);
    at += routeBytes.length;
  }
  out.set(payload, at);
  return out;
}

/** The plaintext of a DATA packet holding `messages` (each from {@link encodeMessage}). */
export function encodeBatch(messages: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const message of messages) size += varintSize(message.length) + message.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const message of messages) {
    at = writeVarint(out, at, message.length);
    out.set(message, at);
    at += message.length;
  }
  return out;
}

/** Bytes a message adds to a batch: its length prefix and itself. */
export function batchedSize(message: Uint8Array): number {
  return varintSize(message.length) + message.length;
}
