import { describe, expect, it } from 'vitest';
import type { Compression } from '../engine/protocol/compression.js';
import { createCompression } from '../engine/protocol/compression-zlib.js';
import { MESSAGE_KIND } from '../engine/protocol/constants.js';
import { decodeMessage } from '../engine/protocol/message-decoder.js';
import { encodeMessage, type MessageEncoding } from '../engine/protocol/message-encoder.js';
import { EMPTY_DICTIONARY } from '../engine/protocol/route-dictionary.js';
import { SharedPush } from './shared-push.js';

/** deflate-raw that counts its compressions. */
function countingCompression(): Compression & { calls: number } {
  const inner = createCompression('deflate-raw');
  const counting = {
    name: inner.name,
    calls: 0,
    compress(input: Uint8Array): Uint8Array {
      counting.calls++;
      return inner.compress(input);
    },
    decompress: (input: Uint8Array, max: number) => inner.decompress(input, max),
  };
  return counting;
}

const body = new Uint8Array(4_096).fill(7);

describe('SharedPush', () => {
  it('encodes and compresses a push once for every connection that encodes alike, and once more for those without compression', () => {
    const compression = countingCompression();
    const compressed: MessageEncoding = { dictionary: EMPTY_DICTIONARY, compression, compressThreshold: 1_024, maxMessageBytes: 65_536 };
    // Each connection has its own settings object, equal in what matters.
    const connections = Array.from({ length: 50 }, () => ({ ...compressed }));
    const plain: MessageEncoding = { ...compressed, compression: undefined };
    const push = new SharedPush('chat.line', body);

    const bytes = connections.map((encoding) => push.bytesFor(encoding));
    const plainBytes = push.bytesFor({ ...plain });
    expect(compression.calls).toBe(1);
    expect(push.encodings).toBe(2);
    expect(new Set(bytes).size).toBe(1);
    // What each connection sends is what it would have encoded on its own, and decodes to the push.
    expect(bytes[0]).toEqual(encodeMessage({ kind: MESSAGE_KIND.PUSH, route: 'chat.line', payload: body }, compressed));
    for (const [message, encoding] of [[bytes[0]!, compressed], [plainBytes, plain]] as const) {
      const decoded = decodeMessage(message, encoding);
      expect(decoded).toMatchObject({ kind: MESSAGE_KIND.PUSH, route: 'chat.line' });
      expect(Buffer.from((decoded as { payload: Uint8Array }).payload).equals(body)).toBe(true);
    }
    expect(plainBytes.length).toBeGreaterThan(bytes[0]!.length);
  });

  it('refuses a body over a connection\'s limit as that connection\'s encoder does', () => {
    const push = new SharedPush('chat.line', body);
    expect(() => push.bytesFor({ dictionary: EMPTY_DICTIONARY, compression: undefined, compressThreshold: 1_024, maxMessageBytes: 1_000 })).toThrow(expect.objectContaining({ code: 'PROTOCOL_ERR_MESSAGE_TOO_LARGE' }));
  });
});
