import { describe, expect, it } from 'vitest';
import { CodecError } from '../codec/errors.js';
import { encode, MsgpackCodec } from '../codec/msgpack-codec.js';
import { KIND, RPC_PROTOCOL_VERSION, type Envelope } from './envelope.js';
import { EnvelopeReader } from './envelope-reader.js';
import { RpcError } from './errors.js';
import { frame } from './fixtures/wire.js';

const CHALLENGE = [KIND.CHALLENGE, RPC_PROTOCOL_VERSION, new Uint8Array(16)];
const CALL = [KIND.CALL, 1, 5_000, null, null, 'echo', 'echo', []];

function reader(): { reader: EnvelopeReader; got: Envelope[] } {
  return { reader: new EnvelopeReader(new MsgpackCodec(), () => 'link from test'), got: [] };
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('EnvelopeReader', () => {
  it('reads envelopes split across chunks at any byte, in order', () => {
    const { reader: r, got } = reader();
    const stream = Buffer.concat([frame(CHALLENGE), frame([KIND.GOAWAY, 2002, 'bye'])]);
    for (let i = 0; i < stream.length; i++) r.push(stream.subarray(i, i + 1), (e) => got.push(e));
    expect(got).toEqual([CHALLENGE, [KIND.GOAWAY, 2002, 'bye']]);
  });

  it('refuses a call before the handshake and a handshake envelope after it, with RPC_ERR_PROTOCOL', () => {
    const { reader: r } = reader();
    expect(thrown(() => r.push(frame(CALL), () => {}))).toMatchObject({ code: 'RPC_ERR_PROTOCOL' });
    const { reader: opened, got } = reader();
    opened.open();
    opened.push(frame(CALL), (e) => got.push(e));
    expect(got).toEqual([CALL]);
    expect(thrown(() => opened.push(frame(CHALLENGE), () => {}))).toMatchObject({ code: 'RPC_ERR_PROTOCOL' });
  });

  it('opens for the frames after the envelope that opened it, within the same chunk', () => {
    const { reader: r, got } = reader();
    r.push(Buffer.concat([frame(CHALLENGE), frame(CALL)]), (e) => {
      got.push(e);
      if (e[0] === KIND.CHALLENGE) r.open();
    });
    expect(got.map((e) => e[0])).toEqual([KIND.CHALLENGE, KIND.CALL]);
  });

  it('caps frames at 1 KiB until the handshake is done, and at the codec limit after', () => {
    const big = frame([KIND.GOAWAY, 1, 'x'.repeat(2_000)]);
    const { reader: r } = reader();
    const err = thrown(() => r.push(big, () => {}));
    expect(err).toBeInstanceOf(CodecError);
    expect(err).toMatchObject({ code: 'CODEC_ERR_FRAME_TOO_LARGE' });
    const { reader: opened, got } = reader();
    opened.open();
    opened.push(big, (e) => got.push(e));
    expect(got).toHaveLength(1);
  });

  it('refuses a handshake of another version with RPC_ERR_HANDSHAKE, and a malformed envelope with RPC_ERR_PROTOCOL', () => {
    const { reader: r } = reader();
    const err = thrown(() => r.push(frame([KIND.CHALLENGE, RPC_PROTOCOL_VERSION + 1, new Uint8Array(16)]), () => {}));
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: 'RPC_ERR_HANDSHAKE' });
    expect(thrown(() => reader().reader.push(frame([KIND.CHALLENGE, RPC_PROTOCOL_VERSION]), () => {}))).toMatchObject({ code: 'RPC_ERR_PROTOCOL' });
  });

  it('refuses a call in msgpack form, which this version sends in binary, with RPC_ERR_PROTOCOL', () => {
    const { reader: opened } = reader();
    opened.open();
    const payload = encode([KIND.CALL, 1, 5_000, null, null, 'echo', 'echo', []]);
    const legacy = Buffer.concat([Buffer.alloc(4), payload]);
    legacy.writeUInt32BE(payload.length, 0);
    expect(thrown(() => opened.push(legacy, () => {}))).toMatchObject({ code: 'RPC_ERR_PROTOCOL', message: expect.stringContaining('msgpack form') });
  });

  it('refuses a call whose arguments break the codec limits before decoding them, with a CodecError', () => {
    const r = new EnvelopeReader(new MsgpackCodec({ maxArrayLength: 2 }), () => 'link from test');
    r.open();
    const err = thrown(() => r.push(frame([KIND.CALL, 1, 5_000, null, null, 'echo', 'echo', [1, 2, 3]]), () => {}));
    expect(err).toBeInstanceOf(CodecError);
    expect(err).toMatchObject({ code: 'CODEC_ERR_ARRAY_TOO_LONG' });
  });

  it('reads nothing once stopped, not even the rest of the chunk being read', () => {
    const { reader: r, got } = reader();
    r.push(Buffer.concat([frame(CHALLENGE), frame(CALL)]), (e) => {
      got.push(e);
      r.stop();
    });
    r.push(frame(CHALLENGE), (e) => got.push(e));
    expect(got.map((e) => e[0])).toEqual([KIND.CHALLENGE]);
  });
});
