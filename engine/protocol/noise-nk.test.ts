import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HandshakeError, readMessage2, respond, writeMessage1 } from './noise-nk.js';
import type { CryptoSuite } from './crypto-suite.js';
import { nobleCryptoSuite } from './noble-crypto-suite.js';
import { nodeCryptoSuite } from './node-crypto-suite.js';

interface Vector {
  init_prologue: string;
  init_ephemeral: string;
  init_remote_static: string;
  resp_static: string;
  resp_ephemeral: string;
  messages: { payload: string; ciphertext: string }[];
}

const vector = JSON.parse(readFileSync(new URL('./fixtures/noise-nk-vector.json', import.meta.url), 'utf8')) as Vector;
const hex = (text: string): Uint8Array => Buffer.from(text, 'hex');
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe.each([nodeCryptoSuite, nobleCryptoSuite])('Noise NK on the $name crypto suite', (suite: CryptoSuite) => {
  it('reproduces the Cacophony test vector for Noise_NK_25519_ChaChaPoly_SHA256 byte for byte', () => {
    const prologue = hex(vector.init_prologue);
    const server = suite.keyPairOf(hex(vector.resp_static));
    expect(toHex(server.publicKey)).toBe(vector.init_remote_static);
    const [m0, m1, ...transport] = vector.messages;

    const first = writeMessage1(suite, server.publicKey, prologue, hex(m0!.payload), suite.keyPairOf(hex(vector.init_ephemeral)));
    expect(toHex(first.message)).toBe(m0!.ciphertext);

    const reply = respond(suite, server, prologue, first.message, () => hex(m1!.payload), suite.keyPairOf(hex(vector.resp_ephemeral)));
    expect(toHex(reply.clientPayload)).toBe(m0!.payload);
    expect(toHex(reply.message)).toBe(m1!.ciphertext);

    const client = readMessage2(first.state, reply.message);
    expect(toHex(client.payload)).toBe(m1!.payload);
    expect(toHex(client.keys.handshakeHash)).toBe(toHex(reply.keys.handshakeHash));

    // Transport messages alternate: initiator first.
    transport.forEach((message, i) => {
      const [sender, receiver] = i % 2 === 0 ? [client.keys, reply.keys] : [reply.keys, client.keys];
      const sealed = sender.send.encrypt(new Uint8Array(0), hex(message.payload));
      expect(toHex(sealed)).toBe(message.ciphertext);
      expect(toHex(receiver.recv.decrypt(new Uint8Array(0), sealed))).toBe(message.payload);
    });
  });

  it('fails the handshake when the client expects another gate key', () => {
    const gate = suite.generateKeyPair();
    const impostor = suite.generateKeyPair();
    const first = writeMessage1(suite, gate.publicKey, new Uint8Array(0), new Uint8Array(0));
    expect(() => respond(suite, impostor, new Uint8Array(0), first.message, () => new Uint8Array(0))).toThrow(HandshakeError);
  });

  it('fails the handshake when the prologues differ', () => {
    const gate = suite.generateKeyPair();
    const first = writeMessage1(suite, gate.publicKey, Uint8Array.of(1), new Uint8Array(0));
    expect(() => respond(suite, gate, Uint8Array.of(2), first.message, () => new Uint8Array(0))).toThrow(HandshakeError);
  });

  it('interoperates with the other suite in both roles', () => {
    const other = suite === nodeCryptoSuite ? nobleCryptoSuite : nodeCryptoSuite;
    const gate = other.generateKeyPair();
    const first = writeMessage1(suite, gate.publicKey, Uint8Array.of(9), Uint8Array.of(1, 2));
    const reply = respond(other, gate, Uint8Array.of(9), first.message, () => Uint8Array.of(3));
    const client = readMessage2(first.state, reply.message);
    expect(Array.from(client.payload)).toEqual([3]);
    const sealed = client.keys.send.encrypt(Uint8Array.of(7), Uint8Array.of(4, 5));
    expect(Array.from(reply.keys.recv.decrypt(Uint8Array.of(7), sealed))).toEqual([4, 5]);
  });

  it('refuses short, tampered and low-order handshake messages', () => {
    const gate = suite.generateKeyPair();
    const empty = new Uint8Array(0);
    expect(() => respond(suite, gate, empty, new Uint8Array(10), () => empty)).toThrow(HandshakeError);
    const first = writeMessage1(suite, gate.publicKey, empty, Uint8Array.of(1, 2, 3));
    const tampered = Uint8Array.from(first.message);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => respond(suite, gate, empty, tampered, () => empty)).toThrow(HandshakeError);
    expect(() => respond(suite, gate, empty, new Uint8Array(48), () => empty)).toThrow(HandshakeError);
    const reply = respond(suite, gate, empty, first.message, () => empty);
    const badReply = Uint8Array.from(reply.message);
    badReply[40]! ^= 1;
    expect(() => readMessage2(first.state, badReply)).toThrow(HandshakeError);
  });
});
