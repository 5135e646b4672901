/**
 * Fuzz target: the handshake and the gate's connection state machine (gate-protocol.ts over
 * noise-nk.ts, handshake-prefix.ts, hello.ts, auth-request.ts, kick.ts). Two kinds of input:
 *   - a real client's connection to a gate (version range, compressions), its HANDSHAKE and the
 *     gate's reply possibly damaged, then packets of any type sealed with the client's real keys
 *     around random plaintexts, then random bytes both ways: neither side ever throws (a violation closes the connection
 *     with a protocol code), and the gate hands on only requests and notifies;
 *   - the handshake payloads alone, valid or damaged: each decoder returns a value that encodes
 *     back to itself, or refuses with its code.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { applyTamper, joinChunks, tamper } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { decodeAuthReply, decodeAuthRequest, encodeAuthReply, encodeAuthRequest } from './auth-request.js';
import { ClientProtocol } from './client-protocol.js';
import { ZlibDeflateCompression } from './compression-zlib.js';
import { DEFAULT_LIMITS, MESSAGE_KIND, PACKET, type PacketType } from './constants.js';
import { PROTOCOL_ERRORS, ProtocolError } from './errors.js';
import { GateProtocol } from './gate-protocol.js';
import { decodeHandshakePrefix, encodeHandshakePrefix } from './handshake-prefix.js';
import { decodeClientHello, decodeServerHello, encodeClientHello, encodeServerHello } from './hello.js';
import { decodeKick, encodeKick, type CloseReason } from './kick.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';
import { RouteDictionary } from './route-dictionary.js';

const identity = nodeCryptoSuite.generateKeyPair();
const compression = new ZlibDeflateCompression();
const dictionary = new RouteDictionary(['Chat.say', '__proto__', 'constructor']);
const PROTOCOL_CODES = new Set<number>([0, ...Object.values(PROTOCOL_ERRORS).map((e) => e.wire)]);

/** A client that can also seal packets the real one never sends. */
class HostileClient extends ClientProtocol {
  sendRaw(type: PacketType, plaintext: Uint8Array): void {
    this.channel!.sendPacket(type, plaintext);
  }
}

const connection = fc.record({
  kind: fc.constant('connection' as const),
  versions: fc.record({ min: fc.nat(3), max: fc.nat(3) }),
  compressions: fc.boolean(),
  handshakeTamper: fc.option(tamper, { freq: 3 }),
  replyTamper: fc.option(tamper, { freq: 3 }),
  sealed: fc.array(fc.tuple(fc.constantFrom(...Object.values(PACKET)), fc.uint8Array({ maxLength: 64 })), { maxLength: 4 }),
  random: fc.uint8Array({ maxLength: 32 }),
  randomToClient: fc.uint8Array({ maxLength: 32 }),
});

const str = fc.string({ unit: 'grapheme', maxLength: 20 });
const payloads = fc.record({
  kind: fc.constant('payloads' as const),
  clientHello: fc.record({ compression: fc.array(str, { maxLength: 3 }), sdk: str }),
  serverHello: fc.record({
    version: fc.nat(255), serializer: str, gateId: str, heartbeatMs: fc.nat(), timeoutMs: fc.nat(), maxPacketBytes: fc.nat(),
    maxMessageBytes: fc.nat(), compression: str, compressThreshold: fc.nat(), routes: fc.array(str, { maxLength: 4 }),
  }),
  auth: fc.record({ token: str, resume: fc.option(fc.record({ sessionId: str, resumeToken: str }), { nil: undefined }) }),
  reply: fc.record({ uid: str, sessionId: str, resumeToken: str, resumed: fc.boolean(), gateId: str }),
  kick: fc.record({ code: fc.nat(0xffff), name: fc.constantFrom('CLOSED', 'PROTOCOL_ERR_DECRYPT'), message: fc.string({ maxLength: 40 }) }),
  versions: fc.tuple(fc.nat(255), fc.nat(255)),
  tamper: fc.option(tamper, { freq: 2 }),
});

type ValueOf<A> = A extends fc.Arbitrary<infer V> ? V : never;
type Input = ValueOf<typeof connection> | ValueOf<typeof payloads>;

function connect(input: ValueOf<typeof connection>): void {
  const toGate: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const closes: CloseReason[] = [];
  const gate = new GateProtocol(
    { identity, crypto: nodeCryptoSuite, gateId: 'gate-fuzz', timing: { handshakeTimeoutMs: 5_000, heartbeatMs: 1_000, timeoutMs: 3_000 }, limits: DEFAULT_LIMITS, compression, compressThreshold: 64, dictionary },
    0,
    (bytes) => toClient.push(bytes),
    {
      onOpen: () => {},
      onMessage: (m) => {
        if (m.kind !== MESSAGE_KIND.REQUEST && m.kind !== MESSAGE_KIND.NOTIFY) throw new Error(`the gate handed on a message of kind ${m.kind}`);
      },
      onClose: (reason) => closes.push(reason),
    },
  );
  const client = new HostileClient(
    { gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: input.compressions ? [compression] : [], sdk: 'fuzz/1', handshakeTimeoutMs: 5_000, versions: input.versions },
    0,
    (bytes) => toGate.push(bytes),
    { onOpen: () => {}, onMessage: () => {}, onClose: () => {} },
  );
  let replied = false;
  const deliver = (): void => {
    while (toGate.length > 0 || toClient.length > 0) {
      if (toGate.length > 0) gate.input(toGate.shift()!, 0);
      if (toClient.length > 0) {
        const bytes = toClient.shift()!;
        client.input(!replied && input.replyTamper ? applyTamper(bytes, input.replyTamper) : bytes, 0);
        replied = true;
      }
    }
  };
  client.start();
  if (input.handshakeTamper) toGate.splice(0, toGate.length, applyTamper(joinChunks(toGate), input.handshakeTamper));
  deliver();
  if (client.isOpen) for (const [type, plaintext] of input.sealed) client.sendRaw(type as PacketType, plaintext);
  toGate.push(input.random);
  toClient.push(input.randomToClient);
  deliver();
  // A KICK from the client carries whatever code it likes; the gate's own closes carry protocol codes.
  for (const reason of closes) if (!reason.byPeer && !PROTOCOL_CODES.has(reason.code)) throw new Error(`the gate closed with code ${reason.code} (${reason.name})`);
}

/** Decodes `bytes`: a refusal is a coded error or `undefined`; a value must survive encoding and decoding again. */
function roundTrip<T>(decode: (bytes: Uint8Array) => T | undefined, encode: (value: T) => Uint8Array, bytes: Uint8Array): void {
  let value: T | undefined;
  try {
    value = decode(bytes);
  } catch (err) {
    if (err instanceof ProtocolError && (err.code === 'PROTOCOL_ERR_HANDSHAKE' || err.code === 'PROTOCOL_ERR_BAD_MESSAGE')) return;
    throw err;
  }
  if (value === undefined) return;
  if (!isDeepStrictEqual(decode(encode(value)), value)) throw new Error(`${JSON.stringify(value)} does not survive encoding`);
}

export const handshakeTarget = defineFuzzTarget({
  name: 'protocol.handshake',
  description: 'Noise NK handshake, hellos, auth request and reply, KICK, handshake prefix; the gate connection state machine',
  arbitrary: fc.oneof(connection, payloads) as fc.Arbitrary<Input>,
  check(input: Input) {
    if (input.kind === 'connection') {
      connect(input);
      return;
    }
    const damage = (bytes: Uint8Array): Uint8Array => (input.tamper ? applyTamper(bytes, input.tamper) : bytes);
    roundTrip(decodeClientHello, encodeClientHello, damage(encodeClientHello(input.clientHello)));
    roundTrip(decodeServerHello, encodeServerHello, damage(encodeServerHello(input.serverHello)));
    roundTrip(decodeAuthRequest, encodeAuthRequest, damage(encodeAuthRequest(input.auth)));
    roundTrip(decodeAuthReply, encodeAuthReply, damage(encodeAuthReply(input.reply)));
    roundTrip(decodeKick, (k) => encodeKick(k.code, k.name, k.message), damage(encodeKick(input.kick.code, input.kick.name, input.kick.message)));
    roundTrip(decodeHandshakePrefix, (p) => encodeHandshakePrefix(p.minVersion, p.maxVersion), damage(encodeHandshakePrefix(...input.versions)));
  },
});
