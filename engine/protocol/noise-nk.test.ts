import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HandshakeError, readMessage2, respond, writeMessage1 } from './noise-nk.js';
import { generateX25519, x25519FromPrivate } from './x25519.js';

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

describe('Noise NK', () => {
  it('reproduces the Cacophony test vector for Noise_NK_25519_ChaChaPoly_SHA256 byte for byte', () => {
    const prologue = hex(vector.init_prologue);
    const server = x25519FromPrivate(hex(vector.resp_static));
    expect(toHex(server.publicKey)).toBe(vector.init_remote_static);
    const [m0, m1, ...transport] = vector.messages;

    const first = writeMessage1(server.publicKey, prologue, hex(m0!.payload), x25519FromPrivate(hex(vector.init_ephemeral)));
    expect(toHex(first.message)).toBe(m0!.ciphertext);

    const reply = respond(server, prologue, first.message, () => hex(m1!.payload), x25519FromPrivate(hex(vector.resp_ephemeral)));
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
    const gate = generateX25519();
    const impostor = generateX25519();
    const first = writeMessage1(gate.publicKey, new Uint8Array(0), new Uint8Array(0));
    expect(() => respond(impostor, new Uint8Array(0), first.message, () => new Uint8Array(0))).toThrow(HandshakeError);
  });

  it('fails the handshake when the prologues differ', () => {
    const gate = generateX25519();
    const first = writeMessage1(gate.publicKey, Uint8Array.of(1), new Uint8Array(0));
    expect(() => respond(gate, Uint8Array.of(2), first.message, () => new Uint8Array(0))).toThrow(HandshakeError);
  });

  it('refuses short, tampered and low-order handshake messages', () => {
    const gate = generateX25519();
    const empty = new Uint8Array(0);
    expect(() => respond(gate, empty, new Uint8Array(10), () => empty)).toThrow(HandshakeError);
    const first = writeMessage1(gate.publicKey, empty, Uint8Array.of(1, 2, 3));
    const tampered = Uint8Array.from(first.message);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => respond(gate, empty, tampered, () => empty)).toThrow(HandshakeError);
    expect(() => respond(gate, empty, new Uint8Array(48), () => empty)).toThrow(HandshakeError);
    const reply = respond(gate, empty, first.message, () => empty);
    const badReply = Uint8Array.from(reply.message);
    badReply[40]! ^= 1;
    expect(() => readMessage2(first.state, badReply)).toThrow(HandshakeError);
  });
});
