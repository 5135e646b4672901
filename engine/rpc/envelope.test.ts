import { describe, expect, it } from 'vitest';
import { KIND, parseEnvelope, RPC_PROTOCOL_VERSION } from './envelope.js';

describe('parseEnvelope', () => {
  it('takes the handshake envelopes, GOAWAY and PING in msgpack form', () => {
    expect(parseEnvelope([KIND.CHALLENGE, RPC_PROTOCOL_VERSION, new Uint8Array(16)])).toEqual([KIND.CHALLENGE, RPC_PROTOCOL_VERSION, new Uint8Array(16)]);
    expect(parseEnvelope([KIND.GOAWAY, 2002, 'bye'])).toEqual([KIND.GOAWAY, 2002, 'bye']);
    expect(parseEnvelope([KIND.PING])).toEqual([KIND.PING]);
  });

  it('takes a HELLO with or without a contract range, and a WELCOME with or without the contract chosen', () => {
    const nonce = new Uint8Array(16);
    const proof = new Uint8Array(32);
    expect(parseEnvelope([KIND.HELLO, RPC_PROTOCOL_VERSION, 'a', 'b', nonce, proof])).not.toBeTypeOf('string');
    expect(parseEnvelope([KIND.HELLO, RPC_PROTOCOL_VERSION, 'a', 'b', nonce, proof, 1, 3])).not.toBeTypeOf('string');
    expect(parseEnvelope([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b', proof])).not.toBeTypeOf('string');
    expect(parseEnvelope([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b', proof, 2])).not.toBeTypeOf('string');
    for (const range of [[3, 1], [0, 1], [1.5, 2], [1]]) expect(parseEnvelope([KIND.HELLO, RPC_PROTOCOL_VERSION, 'a', 'b', nonce, proof, ...range])).toBe('bad HELLO');
    expect(parseEnvelope([KIND.WELCOME, RPC_PROTOCOL_VERSION, 'b', proof, 0])).toBe('bad WELCOME');
  });

  it('refuses calls, notifications, results and errors in msgpack form: they travel in binary', () => {
    expect(parseEnvelope([KIND.CALL, 7, 5_000, null, null, 'echo', 'echo', [1]])).toBe('kind 3 in msgpack form, not binary');
    expect(parseEnvelope([KIND.RESULT, 7, 1])).toBe('kind 5 in msgpack form, not binary');
  });
});
