import { describe, expect, it } from 'vitest';
import { ByteSink } from '../codec/byte-sink.js';
import { CodecError } from '../codec/errors.js';
import { MsgpackCodec } from '../codec/msgpack-codec.js';
import { MsgpackWriter } from '../codec/msgpack-writer.js';
import { KIND } from './envelope.js';
import { encodeEnvelope, readEnvelope, setCallBudget, writeEnvelope, type BinaryEnvelope } from './envelope-codec.js';

const codec = new MsgpackCodec();
const writer = new MsgpackWriter(codec.limits);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

describe('the binary envelope', () => {
  it('writes the documented bytes for each kind', () => {
    // CALL: kind, id, budget, trace (null), to, scope, method, then [1] in msgpack.
    expect(hex(encodeEnvelope([KIND.CALL, 7, 5_000, null, 'e1', 'Inv', 'add', [1]], writer))).toBe('03 00000007 00001388 ffff 0002 6531 0003 496e76 0003 616464 91 01'.replace(/ /g, ''));
    expect(hex(encodeEnvelope([KIND.NOTIFY, 't', null, 'chat', 'say', []], writer))).toBe('04 0001 74 ffff 0004 63686174 0003 736179 90'.replace(/ /g, ''));
    expect(hex(encodeEnvelope([KIND.RESULT, 7, { x: 1 }], writer))).toBe('05 00000007 81 a178 01'.replace(/ /g, ''));
    expect(hex(encodeEnvelope([KIND.ERROR, 7, 2002, 'E', 'bad'], writer))).toBe('06 00000007 000007d2 0001 45 626164'.replace(/ /g, ''));
  });

  it('reads back long header strings as written, a leading U+FEFF and lone surrogates included', () => {
    const message = '\uFEFF' + 'x'.repeat(300) + '\uD800';
    const envelope: BinaryEnvelope = [KIND.ERROR, 3, 1, 'GAME_ERR_LONG', message];
    expect(readEnvelope(new Uint8Array(encodeEnvelope(envelope, writer)), codec)).toEqual(envelope);
  });

  it('gives a frame that grew past its first buffer a buffer of its own size', () => {
    const frame = encodeEnvelope([KIND.RESULT, 1, new Uint8Array(600)], writer);
    expect(frame.buffer.byteLength).toBe(frame.byteLength);
  });

  it('reads back what it writes, non-ASCII strings and binaries included', () => {
    const envelopes: BinaryEnvelope[] = [
      [KIND.CALL, 0xffff_ffff, 1, 'trace-1', null, 'sessions', 'request', ['s1', new Uint8Array([1, 2, 3]), { deep: [null, true, 1.5] }]],
      [KIND.NOTIFY, null, 'avatar-ü', 'Inventory', 'grant', [1_000_000]],
      [KIND.RESULT, 1, 'ünïcödé 😀'],
      [KIND.ERROR, 2, 1, 'GAME_ERR_NOPE', 'not today: ✗'],
    ];
    for (const envelope of envelopes) expect(readEnvelope(new Uint8Array(encodeEnvelope(envelope, writer)), codec)).toEqual(envelope);
  });

  it('sends a budget as whole milliseconds, rounded up, and a spent one as 0', () => {
    for (const [budget, sent] of [[5_000, 5_000], [0.2, 1], [0, 0], [-3, 0], [2 ** 40, 0xffff_ffff]] as const) {
      expect((readEnvelope(encodeEnvelope([KIND.CALL, 1, budget, null, null, 's', 'm', []], writer), codec) as unknown[]).slice(0, 3)).toEqual([KIND.CALL, 1, sent]);
    }
    const frame = encodeEnvelope([KIND.CALL, 1, 5_000, null, null, 's', 'm', []], writer);
    setCallBudget(frame, 700);
    expect((readEnvelope(frame, codec) as unknown[]).slice(0, 3)).toEqual([KIND.CALL, 1, 700]);
  });

  it('refuses a frame whose header runs past its end, a string that is not UTF-8, or a null where a name belongs', () => {
    expect(readEnvelope(bytes('03 00000001 0000'), codec)).toBe('bad CALL');
    expect(readEnvelope(bytes('03 00000001 00001388 ffff ffff 0009 6162 90'), codec)).toBe('bad CALL');
    expect(readEnvelope(bytes('04 ffff ffff 0001 c3 0001 6d 90'), codec)).toBe('bad NOTIFY');
    expect(readEnvelope(bytes('04 ffff ffff ffff 0001 6d 90'), codec)).toBe('bad NOTIFY');
    expect(readEnvelope(bytes('05 0000'), codec)).toBe('bad RESULT');
    expect(readEnvelope(bytes('06 00000001 000007d2 ffff'), codec)).toBe('bad ERROR');
    expect(readEnvelope(bytes('06 00000001 000007d2 0000 e2'), codec)).toBe('bad ERROR');
  });

  it('refuses arguments that are not an array, and checks arguments and values against the limits before decoding', () => {
    expect(readEnvelope(bytes('04 ffff ffff 0001 73 0001 6d 01'), codec)).toBe('bad NOTIFY');
    expect(() => readEnvelope(bytes('05 00000001'), codec)).toThrow(CodecError);
    const tight = new MsgpackCodec({ maxStringBytes: 3 });
    expect(() => readEnvelope(encodeEnvelope([KIND.RESULT, 1, 'long string'], writer), tight)).toThrow(expect.objectContaining({ code: 'CODEC_ERR_STRING_TOO_LONG' }));
  });

  it('reads repeated names as the same strings, and names of the same shape apart', () => {
    const names = ['Inventory', 'Inventorz', 'inventory', 'Inventory', 'a', 'b', 'a', 'x'.repeat(64), 'x'.repeat(65), 'y'.repeat(64)];
    for (let round = 0; round < 3; round++) {
      for (const name of names) {
        const frame = Buffer.from(encodeEnvelope([KIND.NOTIFY, null, name, name, name, []], writer));
        expect(readEnvelope(frame, codec)).toEqual([KIND.NOTIFY, null, name, name, name, []]);
        frame.fill(0); // a frame overwritten once read changes nothing read later
      }
    }
  });

  it('refuses to write a header string past 65,534 bytes with RPC_ERR_ENCODING', () => {
    const sink = new ByteSink(Buffer.alloc(16));
    expect(() => writeEnvelope(sink, [KIND.NOTIFY, null, null, 'x'.repeat(70_000), 'm', []], writer)).toThrow(expect.objectContaining({ code: 'RPC_ERR_ENCODING' }));
  });
});
