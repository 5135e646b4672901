/**
 * Encodes messages; pure functions. A message is one byte of kind and flags, an id (varint) for
 * requests, responses and errors, a route for requests, notifies and pushes (a 2-byte dictionary
 * code, or a length byte and UTF-8), then the payload, compressed when that pays.
 * A DATA packet's plaintext is a batch: each message preceded by its length as a varint.
 *
 * A channel writes messages straight into the packet that carries them (prepareMessage, then
 * writeMessage); encodeMessage and encodeBatch give the same bytes as separate arrays.
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
 * A message checked, compressed where that pays and measured, ready to be written where it goes
 * ({@link writeMessage}): into the packet that carries it, so that its payload is copied once.
 */
export interface PreparedMessage {
  /** The first byte: kind and flags. */
  flags: number;
  /** The id, when the kind has one. */
  id: number | undefined;
  /** The route's dictionary code, when it has one. */
  routeCode: number | undefined;
  /** The route's UTF-8 bytes, when it has no code. */
  routeBytes: Uint8Array | undefined;
  /** The payload as it goes on the wire (compressed when the COMPRESSED flag is set). */
  payload: Uint8Array;
  /** Bytes the message takes (without its length prefix). */
  size: number;
}

/**
 * Checks and measures one message: compresses its payload when that pays and looks its route up
 * in the dictionary.
 * @throws ProtocolError PROTOCOL_ERR_MESSAGE_TOO_LARGE when the payload is over the limit.
 * @throws RangeError for a programmer error: a route of 0 or more than 255 bytes, an id out of range.
 */
export function prepareMessage(message: Message, encoding: MessageEncoding): PreparedMessage {
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
  const id = hasId ? message.id : undefined;
  if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff || (id === 0 && message.kind !== MESSAGE_KIND.ERROR))) {
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
  const size = 1 + (id !== undefined ? varintSize(id) : 0) + (routeCode !== undefined ? 2 : routeBytes ? 1 + routeBytes.length : 0) + payload.length;
  return { flags, id, routeCode, routeBytes, payload, size };
}

/**
 * Writes a prepared message (without its length prefix) into `target` at `offset`, which has
 * room for its {@link PreparedMessage.size} bytes.
 * @returns the offset after it.
 */
export function writeMessage(target: Uint8Array, offset: number, message: PreparedMessage): number {
  let at = offset;
  target[at++] = message.flags;
  if (message.id !== undefined) at = writeVarint(target, at, message.id);
  if (message.routeCode !== undefined) {
    target[at++] = message.routeCode >>> 8;
    target[at++] = message.routeCode & 0xff;
  } else if (message.routeBytes) {
    target[at++] = message.routeBytes.length;
    target.set(message.routeBytes, at);
    at += message.routeBytes.length;
  }
  target.set(message.payload, at);
  return at + message.payload.length;
}

/**
 * The bytes of one message (without its length prefix), for a message encoded once and sent on
 * many connections.
 * @throws as {@link prepareMessage}.
 */
export function encodeMessage(message: Message, encoding: MessageEncoding): Uint8Array {
  const prepared = prepareMessage(message, encoding);
  const out = new Uint8Array(prepared.size);
  writeMessage(out, 0, prepared);
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

