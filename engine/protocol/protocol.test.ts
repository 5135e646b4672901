import { describe, expect, it } from 'vitest';
import { MESSAGE_KIND, PACKET } from './constants.js';
import { PROTOCOL_ERRORS } from './errors.js';
import { protocolPair } from './fixtures/protocol-pair.js';
import { encodePacket } from './packet-encoder.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function openPair(options: Parameters<typeof protocolPair>[0] = {}) {
  const pair = protocolPair(options);
  pair.client.start();
  pair.settle();
  return pair;
}

describe('gate and client protocol', () => {
  it('completes the handshake and carries requests, responses, pushes and errors both ways', () => {
    const pair = openPair({ routes: ['Echo.echo'] });
    expect(pair.gate.isOpen && pair.client.isOpen).toBe(true);
    expect(pair.gateLog.opened[0]).toEqual({ compression: [], sdk: 'test/1' });
    expect(pair.clientLog.opened[0]).toMatchObject({ version: 1, gateId: 'gate-test-0', routes: ['Echo.echo'], heartbeatMs: 1_000 });

    pair.client.send({ kind: MESSAGE_KIND.REQUEST, id: 1, route: 'Echo.echo', payload: bytes(0x91, 1) });
    pair.client.send({ kind: MESSAGE_KIND.NOTIFY, route: 'Chat.say', payload: bytes(0x91, 0xa2, 0x68, 0x69) });
    pair.client.flush(0);
    pair.settle();
    expect(pair.gateLog.messages.map((m) => ({ ...m, payload: hex(m.payload) }))).toEqual([
      { kind: MESSAGE_KIND.REQUEST, id: 1, route: 'Echo.echo', payload: '9101' },
      { kind: MESSAGE_KIND.NOTIFY, route: 'Chat.say', payload: '91a26869' },
    ]);

    pair.gate.send({ kind: MESSAGE_KIND.RESPONSE, id: 1, payload: bytes(1) });
    pair.gate.send({ kind: MESSAGE_KIND.PUSH, route: 'chat', payload: bytes(0xc0) });
    pair.gate.send({ kind: MESSAGE_KIND.ERROR, id: 7, payload: bytes(0x80) });
    pair.gate.flush(0);
    pair.settle();
    expect(pair.clientLog.messages.map((m) => m.kind)).toEqual([MESSAGE_KIND.RESPONSE, MESSAGE_KIND.PUSH, MESSAGE_KIND.ERROR]);
    // The three messages went out as one packet.
    expect(pair.gateLog.sent.at(-1)![0]).toBe(PACKET.DATA);
  });

  it('closes with PROTOCOL_ERR_HANDSHAKE when the client expects another gate key', () => {
    const pair = openPair({ gateKey: nodeCryptoSuite.generateKeyPair().publicKey });
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_HANDSHAKE', byPeer: false });
    expect(pair.clientLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_HANDSHAKE', code: 4005, byPeer: true });
  });

  it('refuses a client without a version in common with PROTOCOL_ERR_VERSION, in clear', () => {
    const pair = openPair({ versions: { min: 2, max: 3 } });
    expect(pair.clientLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_VERSION', code: PROTOCOL_ERRORS.PROTOCOL_ERR_VERSION.wire, byPeer: true });
    expect(pair.gate.isClosed).toBe(true);
  });

  it('closes a connection that sends DATA before the handshake with PROTOCOL_ERR_UNEXPECTED_PACKET', () => {
    const pair = protocolPair();
    pair.gate.input(encodePacket(PACKET.DATA, bytes(1, 2, 3)), 0);
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_UNEXPECTED_PACKET', code: 4003 });
  });

  it('closes on an unknown packet type with PROTOCOL_ERR_BAD_PACKET_TYPE', () => {
    const pair = protocolPair();
    pair.gate.input(bytes(0x47, 0x45, 0x54, 0x20), 0); // "GET " from an HTTP client
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_BAD_PACKET_TYPE', code: 4001 });
  });

  it('closes on a header declaring more than the limit with PROTOCOL_ERR_FRAME_TOO_LARGE, before the body arrives', () => {
    const pair = openPair();
    pair.gate.input(bytes(PACKET.DATA, 0xff, 0xff, 0xff), 0);
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_FRAME_TOO_LARGE', code: 4002 });
    const early = protocolPair();
    early.gate.input(bytes(PACKET.HANDSHAKE, 0, 0x10, 0), 0);
    expect(early.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_FRAME_TOO_LARGE' });
  });

  it('rejects a tampered, a replayed, a reordered and a truncated packet with PROTOCOL_ERR_DECRYPT', () => {
    const send = (pair: ReturnType<typeof openPair>, id: number): Uint8Array => {
      pair.client.send({ kind: MESSAGE_KIND.REQUEST, id, route: 'a.b', payload: bytes(0x90) });
      pair.client.flush(0);
      return pair.clientLog.sent.at(-1)!;
    };
    // Tampered: one payload bit flipped.
    let held: Uint8Array[] = [];
    let pair = openPair({ toGate: (b) => (b[0] === PACKET.DATA ? (held.push(b), []) : [b]) });
    const packet = Uint8Array.from(send(pair, 1));
    packet[6]! ^= 0x01;
    pair.gate.input(packet, 0);
    expect(pair.gateLog.closes[0]?.name).toBe('PROTOCOL_ERR_DECRYPT');

    // Replayed: the same packet twice.
    pair = openPair();
    const first = send(pair, 1);
    pair.settle();
    pair.gate.input(first, 0);
    expect(pair.gateLog.messages).toHaveLength(1);
    expect(pair.gateLog.closes[0]?.name).toBe('PROTOCOL_ERR_DECRYPT');

    // Reordered: the second packet before the first.
    held = [];
    pair = openPair({ toGate: (b) => (b[0] === PACKET.DATA ? (held.push(b), []) : [b]) });
    send(pair, 1);
    send(pair, 2);
    pair.gate.input(held[1]!, 0);
    expect(pair.gateLog.closes[0]?.name).toBe('PROTOCOL_ERR_DECRYPT');

    // Truncated: a shorter body under a header rewritten to match.
    held = [];
    pair = openPair({ toGate: (b) => (b[0] === PACKET.DATA ? (held.push(b), []) : [b]) });
    send(pair, 1);
    const cut = held[0]!.slice(0, held[0]!.length - 1);
    cut[3] = cut[3]! - 1;
    pair.gate.input(cut, 0);
    pair.settle();
    expect(pair.gateLog.closes[0]?.name).toBe('PROTOCOL_ERR_DECRYPT');
    expect(pair.clientLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_DECRYPT', code: 4006, byPeer: true });
  });

  it('sends heartbeats when idle and closes a silent peer with PROTOCOL_ERR_HEARTBEAT_TIMEOUT', () => {
    const pair = openPair();
    pair.advance(1_000);
    expect(pair.gateLog.sent.at(-1)![0]).toBe(PACKET.HEARTBEAT);
    expect(pair.clientLog.sent.at(-1)![0]).toBe(PACKET.HEARTBEAT);
    for (let i = 0; i < 10; i++) pair.advance(1_000);
    expect(pair.gate.isOpen && pair.client.isOpen).toBe(true);

    let mute = false;
    const silent = openPair({ toGate: (b) => (mute ? [] : [b]) });
    mute = true;
    silent.advance(3_000);
    expect(silent.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_HEARTBEAT_TIMEOUT', code: 4012 });
  });

  it('closes a connection that does not finish the handshake in time with PROTOCOL_ERR_HANDSHAKE_TIMEOUT', () => {
    const pair = protocolPair();
    expect(pair.gate.check()).toBe(5_000);
    pair.advance(5_000);
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_HANDSHAKE_TIMEOUT', code: 4011 });
  });

  it('tells a client whose HANDSHAKE_ACK never arrived why it closed, encrypted', () => {
    const pair = openPair({ toGate: (b) => (b[0] === PACKET.HANDSHAKE_ACK ? [] : [b]) });
    expect(pair.client.isOpen).toBe(true);
    expect(pair.gate.isOpen).toBe(false);
    // The client's first heartbeat reaches a gate still waiting for the ACK.
    pair.advance(1_000);
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_UNEXPECTED_PACKET' });
    expect(pair.clientLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_UNEXPECTED_PACKET', code: 4003, byPeer: true });
  });

  it('closes a client that sends a message kind only the gate may send', () => {
    const pair = openPair();
    pair.client.send({ kind: MESSAGE_KIND.PUSH, route: 'x.y', payload: bytes(0xc0) });
    pair.client.flush(0);
    pair.settle();
    expect(pair.gateLog.closes[0]).toMatchObject({ name: 'PROTOCOL_ERR_UNEXPECTED_PACKET' });
  });

  it('delivers a kick with its code and reason, and a normal close with code 0', () => {
    const pair = openPair();
    pair.gate.kick(4104, 'GATE_ERR_DUPLICATE_LOGIN', 'logged in elsewhere');
    pair.settle();
    expect(pair.clientLog.closes[0]).toEqual({ code: 4104, name: 'GATE_ERR_DUPLICATE_LOGIN', message: 'logged in elsewhere', byPeer: true });
    const other = openPair();
    other.client.close('bye');
    other.settle();
    expect(other.gateLog.closes[0]).toEqual({ code: 0, name: 'CLOSED', message: 'bye', byPeer: true });
  });

  it('decodes a stream split at every byte boundary', () => {
    const pair = openPair({ toGate: (b) => Array.from(b, (x) => bytes(x)) });
    for (let id = 1; id <= 3; id++) pair.client.send({ kind: MESSAGE_KIND.REQUEST, id, route: 'a.b', payload: bytes(0x90) });
    pair.client.flush(0);
    pair.settle();
    expect(pair.gateLog.messages.map((m) => ('id' in m ? m.id : 0))).toEqual([1, 2, 3]);
  });
});
