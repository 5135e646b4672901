/**
 * Decodes the plaintext of a DATA packet into messages; the inverse of message-encoder.ts. Every
 * length is checked against what is left before it is used; a compressed payload is inflated
 * with the message limit as a hard cap. Any malformed byte raises a ProtocolError: a peer that
 * sends one is broken or hostile, and its connection closes.
 */
import { KIND_MASK, MESSAGE_FLAG, MESSAGE_KIND, RESERVED_FLAG_MASK } from './constants.js';
import { ProtocolError } from './errors.js';
import type { Message } from './message.js';
import type { MessageEncoding } from './message-encoder.js';
import { readVarint } from './varint.js';

// ignoreBOM: a route's bytes are its name; a leading U+FEFF is part of it, not a marker to drop
// (dropping it made two encodings of one route, and a route that did not survive a round trip).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Calls `onMessage` for each message in a DATA plaintext, in order.
 * @throws ProtocolError PROTOCOL_ERR_BAD_MESSAGE, PROTOCOL_ERR_UNKNOWN_ROUTE_CODE,
 *   PROTOCOL_ERR_DECOMPRESS, PROTOCOL_ERR_INFLATED_TOO_LARGE or PROTOCOL_ERR_MESSAGE_TOO_LARGE.
 */
export function decodeBatch(plaintext: Uint8Array, encoding: MessageEncoding, onMessage: (message: Message) => void): void {
  if (plaintext.length === 0) throw bad('empty DATA packet');
  let at = 0;
  while (at < plaintext.length) {
    const length = readVarint(plaintext, at);
    if (!length || length.value === 0 || length.value > plaintext.length - length.next) throw bad(`message length at byte ${at}`);
    at = length.next + length.value;
    onMessage(decodeMessage(plaintext.subarray(length.next, at), encoding));
  }
}

/**
 * Decodes one message (without its length prefix).
 * @throws ProtocolError as {@link decodeBatch}.
 */
export function decodeMessage(bytes: Uint8Array, encoding: MessageEncoding): Message {
  const flags = bytes[0]!;
  const kind = flags & KIND_MASK;
  if (kind > MESSAGE_KIND.ERROR) throw bad(`kind ${kind}`);
  if (flags & RESERVED_FLAG_MASK) throw bad(`reserved flags 0x${(flags & RESERVED_FLAG_MASK).toString(16)}`);
  let at = 1;
  let id = 0;
  if (kind === MESSAGE_KIND.REQUEST || kind === MESSAGE_KIND.RESPONSE || kind === MESSAGE_KIND.ERROR) {
    const read = readVarint(bytes, at);
    if (!read) throw bad('id');
    if (read.value === 0 && kind !== MESSAGE_KIND.ERROR) throw bad('id 0');
    id = read.value;
    at = read.next;
  }
  let route = '';
  const routed = kind === MESSAGE_KIND.REQUEST || kind === MESSAGE_KIND.NOTIFY || kind === MESSAGE_KIND.PUSH;
  if (!routed && flags & MESSAGE_FLAG.ROUTE_CODED) throw bad('route flag on a message without a route');
  if (routed) {
    if (flags & MESSAGE_FLAG.ROUTE_CODED) {
      if (at + 2 > bytes.length) throw bad('route code cut short');
      const code = (bytes[at]! << 8) | bytes[at + 1]!;
      at += 2;
      const named = encoding.dictionary.routeOf(code);
      if (named === undefined) throw new ProtocolError('PROTOCOL_ERR_UNKNOWN_ROUTE_CODE', `code ${code}`);
      route = named;
    } else {
      const length = bytes[at] ?? 0;
      if (length === 0 || at + 1 + length > bytes.length) throw bad('route length');
      try {
        route = utf8.decode(bytes.subarray(at + 1, at + 1 + length));
      } catch {
        throw bad('route is not UTF-8');
      }
      at += 1 + length;
    }
  }
  let payload = bytes.subarray(at);
  if (flags & MESSAGE_FLAG.COMPRESSED) {
    if (!encoding.compression) throw bad('compressed payload, but no compression was negotiated');
    payload = encoding.compression.decompress(payload, encoding.maxMessageBytes);
  } else if (payload.length > encoding.maxMessageBytes) {
    throw new ProtocolError('PROTOCOL_ERR_MESSAGE_TOO_LARGE', `payload of ${payload.length} bytes > ${encoding.maxMessageBytes}`);
  }
  switch (kind) {
    case MESSAGE_KIND.REQUEST:
      return { kind, id, route, payload };
    case MESSAGE_KIND.NOTIFY:
    case MESSAGE_KIND.PUSH:
      return { kind, route, payload };
    default:
      return { kind: kind as 2 | 4, id, payload };
  }
}

function bad(detail: string): ProtocolError {
  return new ProtocolError('PROTOCOL_ERR_BAD_MESSAGE', detail);
}
