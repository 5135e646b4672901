import { readFileSync } from 'node:fs';
import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { AUTH_ERRORS } from '../auth/errors.js';
import { decodeAuthReply, decodeAuthRequest } from './auth-request.js';
import { JsDeflateCompression } from './compression-js.js';
import { ZlibDeflateCompression } from './compression-zlib.js';
import { MESSAGE_KIND, PACKET, type PacketType } from './constants.js';
import { PROTOCOL_ERRORS } from './errors.js';
import {
  CLIENT_EPHEMERAL_PRIVATE,
  CODED_ENCODING,
  computeVectors,
  GATE_EPHEMERAL_PRIVATE,
  GATE_STATIC_PRIVATE,
  handshakeEncoding,
  PLAIN_ENCODING,
  VECTOR_AUTH_REPLY,
  VECTOR_CLIENT_HELLO,
  VECTOR_KICKS,
  VECTOR_MESSAGE_ENCODING,
  VECTOR_MESSAGES,
  VECTOR_SERVER_HELLO,
  VECTOR_TOKEN,
  VECTOR_VARINTS,
} from './fixtures/protocol-vectors.js';
import { GateProtocol } from './gate-protocol.js';
import { decodeHandshakePrefix, HANDSHAKE_PREFIX_BYTES, prologueOf } from './handshake-prefix.js';
import { decodeClientHello, decodeServerHello } from './hello.js';
import { decodeKick } from './kick.js';
import type { Message } from './message.js';
import { decodeBatch, decodeMessage } from './message-decoder.js';
import type { MessageEncoding } from './message-encoder.js';
import { readMessage2, respond, writeMessage1 } from './noise-nk.js';
import { PacketDecoder, type Packet } from './packet-decoder.js';
import { encodePacket } from './packet-encoder.js';
import { EMPTY_DICTIONARY } from './route-dictionary.js';
import { readVarint } from './varint.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';

const DOC_PATH = new URL('../../docs/protocol.md', import.meta.url);
const doc = readFileSync(DOC_PATH, 'utf8');
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Every ```hex vector=NAME``` block of the document, in order (names may repeat: checked below). */
function docBlocks(): { name: string; text: string }[] {
  return [...doc.matchAll(/^```hex vector=(\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({ name: m[1]!, text: m[2]! }));
}

const blocks = docBlocks();
const docVectors = new Map(blocks.map(({ name, text }) => [name, Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'))]));
const computed = computeVectors();

/** The bytes of a vector as the document shows them. */
function vector(name: string): Uint8Array {
  const bytes = docVectors.get(name);
  if (!bytes) throw new Error(`docs/protocol.md has no vector ${name}`);
  return bytes;
}

/** Splits whole packets out of `bytes`, fed one byte at a time. */
function packets(bytes: Uint8Array, maxBody = 1 << 20): Packet[] {
  const out: Packet[] = [];
  const decoder = new PacketDecoder(maxBody);
  for (const byte of bytes) decoder.push(Uint8Array.of(byte), (p) => out.push(p));
  expect(decoder.bufferedBytes).toBe(0);
  return out;
}

/** The one packet in `bytes`. */
function onePacket(bytes: Uint8Array, type: PacketType): Packet {
  const found = packets(bytes);
  expect(found.map((p) => p.type)).toEqual([type]);
  return found[0]!;
}

const plainMessage = (m: Message): Record<string, unknown> => ({ ...m, payload: toHex(m.payload) });

function decodeAll(plaintext: Uint8Array, encoding: MessageEncoding): Message[] {
  const out: Message[] = [];
  decodeBatch(plaintext, encoding, (m) => out.push(m));
  return out;
}

describe('docs/protocol.md test vectors', () => {
  it('holds exactly the vectors the fixture computes, each once, as well-formed hex', () => {
    const names = blocks.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(computed).sort());
    for (const { name, text } of blocks) expect(text, name).toMatch(/^(?:[0-9a-f]{2})+(?:\n(?:[0-9a-f]{2})+)*\n$/);
  });

  it.each(Object.keys(computed))('vector %s equals what the real encoders produce from its inputs', (name) => {
    expect(toHex(vector(name))).toBe(toHex(computed[name]!));
  });

  it('decodes the packet header and the varints back', () => {
    const header = vector('packet-header-data');
    const [packet] = packets(Buffer.concat([header, new Uint8Array(300)]));
    expect(packet).toMatchObject({ type: PACKET.DATA, header: Uint8Array.from(header) });
    expect(packet!.body).toHaveLength(300);
    for (const [name, value] of Object.entries(VECTOR_VARINTS)) {
      const bytes = vector(name);
      expect(readVarint(bytes, 0)).toEqual({ value, next: bytes.length });
    }
  });

  it('decodes every message vector back to its message', () => {
    for (const [name, message] of Object.entries(VECTOR_MESSAGES)) {
      const encoding = VECTOR_MESSAGE_ENCODING[name as keyof typeof VECTOR_MESSAGES];
      expect(plainMessage(decodeMessage(vector(name), encoding)), name).toEqual(plainMessage(message));
    }
    const error = decodeMessage(vector('message-error'), PLAIN_ENCODING);
    expect(decode(error.payload)).toEqual({ code: 4103, name: 'GATE_ERR_ROUTE_BLOCKED', message: 'route is blocked' });
    const push = decodeMessage(vector('message-push'), PLAIN_ENCODING);
    expect(push).toMatchObject({ kind: MESSAGE_KIND.PUSH, route: 'sys.rebound' });
    expect(decode(push.payload)).toEqual({ lobbyId: 'lobby-2' });
  });

  it('reads a coded route only with the dictionary it was written with', () => {
    const noDictionary = { ...CODED_ENCODING, dictionary: EMPTY_DICTIONARY };
    expect(() => decodeMessage(vector('message-request-coded-route'), noDictionary)).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_ERR_UNKNOWN_ROUTE_CODE', wireCode: 4010 }),
    );
  });

  it('splits the DATA batch back into its two messages', () => {
    const messages = decodeAll(vector('data-batch'), CODED_ENCODING);
    expect(messages.map(plainMessage)).toEqual([plainMessage(VECTOR_MESSAGES['message-request-string-route']), plainMessage(VECTOR_MESSAGES['message-notify'])]);
  });

  it('inflates the compressed payload with both implementations, and a compressed message with it', () => {
    const plain = vector('compressible-payload');
    expect(decode(plain)).toEqual({ t: 'chat', from: 'Aria', text: 'gg gg gg gg gg gg gg gg' });
    for (const compression of [new ZlibDeflateCompression(), new JsDeflateCompression()]) {
      expect(toHex(compression.decompress(vector('compressed-payload'), 65_536))).toBe(toHex(plain));
      const encoding = { ...PLAIN_ENCODING, compression };
      expect(plainMessage(decodeMessage(vector('message-response-compressed'), encoding))).toEqual({ kind: MESSAGE_KIND.RESPONSE, id: 5, payload: toHex(plain) });
      // This zlib's own bytes may differ from the vector's; what they inflate to may not.
      expect(toHex(compression.decompress(compression.compress(plain), 65_536))).toBe(toHex(plain));
    }
    expect(() => decodeMessage(vector('message-response-compressed'), PLAIN_ENCODING)).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_BAD_MESSAGE' }));
  });

  it('decodes the sys.auth payloads back', () => {
    const request = decodeMessage(vector('message-auth-request'), PLAIN_ENCODING);
    expect(request).toMatchObject({ kind: MESSAGE_KIND.REQUEST, id: 1, route: 'sys.auth' });
    expect(decodeAuthRequest(request.payload)).toEqual({ token: VECTOR_TOKEN, resume: undefined });
    expect(decodeAuthRequest(vector('auth-request-resume'))).toEqual({
      token: VECTOR_TOKEN,
      resume: { sessionId: VECTOR_AUTH_REPLY.sessionId, resumeToken: VECTOR_AUTH_REPLY.resumeToken },
    });
    expect(decodeAuthReply(vector('auth-reply'))).toEqual(VECTOR_AUTH_REPLY);
  });

  it('decodes the KICK bodies back', () => {
    for (const [name, [code, kickName, message]] of Object.entries(VECTOR_KICKS)) {
      expect(decodeKick(vector(name)), name).toEqual({ code, name: kickName, message });
    }
  });

  it('is the clear KICK a real gate sends a client that offers versions 2..3', () => {
    const sent: Uint8Array[] = [];
    const closes: unknown[] = [];
    const gate = new GateProtocol(
      {
        identity: nodeCryptoSuite.keyPairOf(GATE_STATIC_PRIVATE),
        crypto: nodeCryptoSuite,
        gateId: 'gate-1',
        timing: { handshakeTimeoutMs: 10_000, heartbeatMs: 10_000, timeoutMs: 30_000 },
        limits: { maxPacketBytes: 65_600, maxMessageBytes: 65_536 },
        compression: undefined,
        compressThreshold: 1024,
        dictionary: EMPTY_DICTIONARY,
      },
      0,
      (bytes) => sent.push(bytes),
      { onOpen: () => undefined, onMessage: () => undefined, onClose: (reason) => closes.push(reason) },
    );
    gate.input(encodePacket(PACKET.HANDSHAKE, Buffer.concat([Uint8Array.of(2, 3, 0, 0), new Uint8Array(48)])), 0);
    expect(sent.map(toHex)).toEqual([toHex(vector('kick-packet-version'))]);
    expect(decodeKick(onePacket(vector('kick-packet-version'), PACKET.KICK).body)).toEqual({
      code: PROTOCOL_ERRORS.PROTOCOL_ERR_VERSION.wire,
      name: 'PROTOCOL_ERR_VERSION',
      message: 'no protocol version in common',
    });
    // The detail stays on the gate, in its close reason (for its log).
    expect(closes).toEqual([expect.objectContaining({ name: 'PROTOCOL_ERR_VERSION', message: 'client speaks 2..3, gate speaks 1' })]);
  });

  it('lets the gate read the HANDSHAKE and answer with the HANDSHAKE_REPLY, from the fixed keys', () => {
    const gateStatic = nodeCryptoSuite.keyPairOf(GATE_STATIC_PRIVATE);
    expect(toHex(gateStatic.publicKey)).toBe(toHex(vector('handshake-gate-static-public')));
    const body = onePacket(vector('handshake-packet'), PACKET.HANDSHAKE).body;
    expect(decodeHandshakePrefix(body)).toEqual({ minVersion: 1, maxVersion: 1 });
    const prologue = prologueOf(body.subarray(0, HANDSHAKE_PREFIX_BYTES));
    expect(toHex(prologue)).toBe(toHex(vector('handshake-prologue')));
    expect(toHex(body.subarray(HANDSHAKE_PREFIX_BYTES, HANDSHAKE_PREFIX_BYTES + 32))).toBe(toHex(vector('handshake-client-ephemeral-public')));

    const reply = respond(nodeCryptoSuite, gateStatic, prologue, body.subarray(HANDSHAKE_PREFIX_BYTES), () => vector('handshake-server-hello'), nodeCryptoSuite.keyPairOf(GATE_EPHEMERAL_PRIVATE));
    expect(toHex(reply.clientPayload)).toBe(toHex(vector('handshake-client-hello')));
    expect(decodeClientHello(reply.clientPayload)).toEqual(VECTOR_CLIENT_HELLO);
    expect(toHex(encodePacket(PACKET.HANDSHAKE_REPLY, reply.message))).toBe(toHex(vector('handshake-reply-packet')));
    expect(toHex(reply.keys.handshakeHash)).toBe(toHex(vector('handshake-hash')));

    // The gate's keys open what the client sent after the handshake, in order.
    const [ack, data, heartbeat, kick] = packets(Buffer.concat(['handshake-ack-packet', 'client-data-packet', 'client-heartbeat-packet', 'client-kick-packet'].map(vector)));
    expect([ack, data, heartbeat, kick].map((p) => p!.type)).toEqual([PACKET.HANDSHAKE_ACK, PACKET.DATA, PACKET.HEARTBEAT, PACKET.KICK]);
    expect(reply.keys.recv.decrypt(ack!.header, ack!.body)).toHaveLength(0);
    expect(decodeAll(reply.keys.recv.decrypt(data!.header, data!.body), handshakeEncoding()).map(plainMessage)).toEqual([
      { kind: MESSAGE_KIND.REQUEST, id: 1, route: 'Echo.echo', payload: '91a26869' },
    ]);
    expect(reply.keys.recv.decrypt(heartbeat!.header, heartbeat!.body)).toHaveLength(0);
    expect(decodeKick(reply.keys.recv.decrypt(kick!.header, kick!.body))).toEqual({ code: 0, name: 'CLOSED', message: 'bye' });
  });

  it('lets the client read the HANDSHAKE_REPLY and open the gate DATA packet', () => {
    const client = writeMessage1(nodeCryptoSuite, vector('handshake-gate-static-public'), vector('handshake-prologue'), vector('handshake-client-hello'), nodeCryptoSuite.keyPairOf(CLIENT_EPHEMERAL_PRIVATE));
    expect(toHex(client.message)).toBe(toHex(onePacket(vector('handshake-packet'), PACKET.HANDSHAKE).body.subarray(HANDSHAKE_PREFIX_BYTES)));
    const reply = onePacket(vector('handshake-reply-packet'), PACKET.HANDSHAKE_REPLY);
    expect(toHex(reply.body.subarray(0, 32))).toBe(toHex(vector('handshake-gate-ephemeral-public')));
    const done = readMessage2(client.state, reply.body);
    expect(decodeServerHello(done.payload)).toEqual(VECTOR_SERVER_HELLO);
    expect(toHex(done.keys.handshakeHash)).toBe(toHex(vector('handshake-hash')));
    const data = onePacket(vector('gate-data-packet'), PACKET.DATA);
    expect(decodeAll(done.keys.recv.decrypt(data.header, data.body), handshakeEncoding()).map(plainMessage)).toEqual([
      { kind: MESSAGE_KIND.RESPONSE, id: 1, payload: toHex(vector('message-response').subarray(2)) },
    ]);
  });

  it('authenticates the header: the client DATA packet with another declared type does not open', () => {
    const gateStatic = nodeCryptoSuite.keyPairOf(GATE_STATIC_PRIVATE);
    const body = onePacket(vector('handshake-packet'), PACKET.HANDSHAKE).body;
    const prologue = prologueOf(body.subarray(0, HANDSHAKE_PREFIX_BYTES));
    const reply = respond(nodeCryptoSuite, gateStatic, prologue, body.subarray(HANDSHAKE_PREFIX_BYTES), () => vector('handshake-server-hello'), nodeCryptoSuite.keyPairOf(GATE_EPHEMERAL_PRIVATE));
    const ack = onePacket(vector('handshake-ack-packet'), PACKET.HANDSHAKE_ACK);
    reply.keys.recv.decrypt(ack.header, ack.body);
    const data = onePacket(vector('client-data-packet'), PACKET.DATA);
    const header = Uint8Array.from(data.header);
    header[0] = PACKET.HEARTBEAT;
    expect(() => reply.keys.recv.decrypt(header, data.body)).toThrow(expect.objectContaining({ name: 'DecryptError' }));
    // A failure leaves the counter where it was: the true header still opens.
    expect(reply.keys.recv.decrypt(data.header, data.body)).toHaveLength(9);
  });
});

describe('docs/protocol.md error tables', () => {
  it.each(Object.entries({ ...PROTOCOL_ERRORS, ...AUTH_ERRORS }))('has a line for %s with its wire code', (name, { wire }) => {
    expect(doc).toContain(`| ${wire} | \`${name}\` |`);
  });
});
