import { describe, expect, it } from 'vitest';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { MsgpackWriter } from '../codec/msgpack-writer.js';
import { LocalCopy } from './local-copy.js';

function copier(limits = {}): LocalCopy {
  const codec = new MsgpackCodec(limits);
  return new LocalCopy(codec, new MsgpackWriter(codec.limits));
}

describe('LocalCopy', () => {
  it('passes strings, numbers, booleans and null as they are, and undefined as null', () => {
    const text = 'a string';
    const args = copier().args([text, 1.5, true, null, undefined]);
    expect(args).toEqual([text, 1.5, true, null, null]);
    expect(args[0]).toBe(text);
  });

  it('copies binaries into Buffers of their own, as the socket gives them, and objects through the codec', () => {
    const bytes = new Uint8Array([1, 2, 3]).subarray(1);
    const wide = new Uint16Array([0x0102]);
    const mine = { list: [1, { deep: true }], when: new Date(7) };
    const [b, w, o] = copier().args([bytes, wide, mine]) as [Buffer, Buffer, typeof mine];
    expect(b).toEqual(Buffer.from([2, 3]));
    expect(w).toEqual(Buffer.from(new Uint8Array(wide.buffer)));
    bytes[0] = 9;
    expect(b[0]).toBe(2);
    expect(o).toEqual(mine);
    expect(o).not.toBe(mine);
    expect(o.list[1]).not.toBe(mine.list[1]);
    expect(copier().value(bytes)).toEqual(Buffer.from([9, 3]));
  });

  it('fails with RPC_ERR_ENCODING what the socket could not carry, counting depth from the arguments array as the socket does', () => {
    const tight = copier({ maxDepth: 2, maxBinaryBytes: 2, maxArrayLength: 3 });
    expect(tight.args([[1]])).toEqual([[1]]);
    expect(tight.value([[1]])).toEqual([[1]]);
    for (const args of [[[[1]]], [new Uint8Array(3)], [1, 2, 3, 4], [() => 1], [Symbol('s')]]) {
      expect(() => tight.args(args)).toThrow(expect.objectContaining({ code: 'RPC_ERR_ENCODING' }));
    }
  });
});
