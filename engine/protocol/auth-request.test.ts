import { describe, expect, it } from 'vitest';
import { defaults } from '../config/defaults.js';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { decodeAuthRequest, encodeAuthRequest, MAX_AUTH_TOKEN_BYTES } from './auth-request.js';

const raw = new MsgpackCodec();

describe('sys.auth requests', () => {
  it('carry a token past the default token cap, up to the most auth.maxTokenBytes may be, for the verifier to judge', () => {
    const over = 'a'.repeat(defaults.auth.maxTokenBytes + 1);
    expect(decodeAuthRequest(encodeAuthRequest({ token: over, resume: undefined }))).toEqual({ token: over, resume: undefined });
    const longest = 'a'.repeat(MAX_AUTH_TOKEN_BYTES);
    const resume = { sessionId: 's'.repeat(64), resumeToken: 'r'.repeat(64) };
    expect(decodeAuthRequest(encodeAuthRequest({ token: longest, resume }))).toEqual({ token: longest, resume });
  });

  it('are not a request when a string is longer than that, a declared length included', () => {
    expect(decodeAuthRequest(raw.encode(['a'.repeat(MAX_AUTH_TOKEN_BYTES + 1)]))).toBeUndefined();
    // A str32 header declaring 4 GiB, and nothing after it.
    expect(decodeAuthRequest(Uint8Array.from([0x91, 0xdb, 0xff, 0xff, 0xff, 0xff]))).toBeUndefined();
  });
});
