/**
 * Fuzz target: client messages (message-decoder.ts) with the route dictionary (route-dictionary.ts).
 * A dictionary built from hostile route lists (`__proto__`, `constructor`, repeats, empty, over 255
 * bytes) either refuses them or maps every code to its route and back. A batch of valid messages
 * (every kind, coded and named routes, compressed or not) decodes to exactly those messages; the
 * same batch mutated, or random bytes, decodes to messages that keep to the limits and re-encode
 * to themselves, or is refused with a protocol code, never another error.
 */
import fc from 'fast-check';
import { applyTamper, tamper } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { ZlibDeflateCompression } from './compression-zlib.js';
import { MAX_ROUTE_BYTES, MESSAGE_KIND } from './constants.js';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import type { Message } from './message.js';
import { decodeBatch } from './message-decoder.js';
import { encodeBatch, encodeMessage, type MessageEncoding } from './message-encoder.js';
import { EMPTY_DICTIONARY, RouteDictionary } from './route-dictionary.js';

const REFUSALS = new Set<ProtocolErrorCode>(['PROTOCOL_ERR_BAD_MESSAGE', 'PROTOCOL_ERR_UNKNOWN_ROUTE_CODE', 'PROTOCOL_ERR_DECOMPRESS', 'PROTOCOL_ERR_INFLATED_TOO_LARGE', 'PROTOCOL_ERR_MESSAGE_TOO_LARGE']);
const utf8 = new TextEncoder();
const zlib = new ZlibDeflateCompression();

const route = fc.oneof(
  fc.constantFrom('Chat.say', 'sys.auth', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '\uFEFFChat.say', '', 'x'.repeat(256)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
);
const validRoute = route.filter((r) => utf8.encode(r).length >= 1 && utf8.encode(r).length <= MAX_ROUTE_BYTES);
const id = fc.integer({ min: 1, max: 0xffff_ffff });
const payload = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.nat(3000).map((n) => new Uint8Array(n).fill(7)));
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ kind: fc.constant(MESSAGE_KIND.REQUEST), id, route: validRoute, payload }),
  fc.record({ kind: fc.constant(MESSAGE_KIND.NOTIFY), route: validRoute, payload }),
  fc.record({ kind: fc.constant(MESSAGE_KIND.RESPONSE), id, payload }),
  fc.record({ kind: fc.constant(MESSAGE_KIND.PUSH), route: validRoute, payload }),
  fc.record({ kind: fc.constant(MESSAGE_KIND.ERROR), id: fc.oneof(fc.constant(0), id), payload }),
);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const show = (m: Message): string => JSON.stringify({ ...m, payload: hex(m.payload) });

/** The dictionary of `routes`, or none when the dictionary refuses them (as a client refuses such a server hello). */
function dictionaryOf(routes: string[]): RouteDictionary {
  let dictionary: RouteDictionary;
  try {
    dictionary = new RouteDictionary(routes);
  } catch (err) {
    if (err instanceof Error && /^route dictionary: /.test(err.message)) return EMPTY_DICTIONARY;
    throw err;
  }
  routes.forEach((r, code) => {
    if (dictionary.codeOf(r) !== code || dictionary.routeOf(code) !== r) throw new Error(`dictionary: ${JSON.stringify(r)} is not code ${code}`);
  });
  if (dictionary.routeOf(routes.length) !== undefined) throw new Error('dictionary: a code past the last route has a route');
  return dictionary;
}

function decode(bytes: Uint8Array, encoding: MessageEncoding): Message[] {
  const messages: Message[] = [];
  try {
    decodeBatch(bytes, encoding, (m) => messages.push(m));
  } catch (err) {
    if (!(err instanceof ProtocolError && REFUSALS.has(err.code))) throw err;
  }
  return messages;
}

export const messageDecoderTarget = defineFuzzTarget({
  name: 'protocol.message-decoder',
  description: 'client<->gate messages in a DATA batch: kinds, ids, routes (named and coded), compressed payloads; the route dictionary',
  arbitrary: fc.record({
    routes: fc.array(route, { maxLength: 8 }),
    compressed: fc.boolean(),
    maxMessageBytes: fc.nat(4096),
    messages: fc.array(message, { maxLength: 5 }),
    tamper: fc.option(tamper),
    random: fc.option(fc.uint8Array({ maxLength: 200 }), { freq: 4 }),
  }),
  check({ routes, compressed, maxMessageBytes, messages, tamper, random }) {
    const dictionary = dictionaryOf(routes);
    const encoding: MessageEncoding = { dictionary, compression: compressed ? zlib : undefined, compressThreshold: 1, maxMessageBytes };
    const sent = messages.filter((m) => m.payload.length <= maxMessageBytes);
    const bytes = random ?? encodeBatch(sent.map((m) => encodeMessage(m, encoding)));
    if (!random && !tamper) {
      const received = bytes.length === 0 ? [] : decode(bytes, encoding);
      if (received.map(show).join() !== sent.map(show).join()) throw new Error(`sent ${sent.map(show).join(', ')}; received ${received.map(show).join(', ')}`);
      return;
    }
    const hostile = tamper ? applyTamper(bytes, tamper) : bytes;
    const plain: MessageEncoding = { ...encoding, compression: undefined };
    for (const m of decode(hostile, encoding)) {
      if (m.payload.length > maxMessageBytes) throw new Error(`payload of ${m.payload.length} bytes > ${maxMessageBytes}`);
      if ('route' in m && (utf8.encode(m.route).length < 1 || utf8.encode(m.route).length > MAX_ROUTE_BYTES)) throw new Error(`route ${JSON.stringify(m.route)}`);
      const again = decode(encodeBatch([encodeMessage(m, plain)]), plain);
      if (again.length !== 1 || show(again[0]!) !== show(m)) throw new Error(`${show(m)} re-encodes to ${again.map(show).join(', ')}`);
    }
  },
});
