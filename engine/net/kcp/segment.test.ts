import { describe, expect, it } from 'vitest';
import { KCP_CMD, KCP_HEADER_BYTES, convOf, readSegmentHeader, writeSegmentHeader, type SegmentHeader } from './segment.js';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Built by hand from the reference layout: little-endian conv, cmd, frg, wnd, ts, sn, una, len.
const PUSH_FIXTURE = hex(`
  78563412  51  02  8000  e8030000  05000000  04000000  03000000
  616263`);
const ACK_FIXTURE = hex(`
  01000000  52  00  2000  ffffffff  feffffff  00000000  00000000`);

function read(bytes: Uint8Array): SegmentHeader {
  const into = { conv: 0, cmd: 0, frg: 0, wnd: 0, ts: 0, sn: 0, una: 0, len: 0 };
  return readSegmentHeader(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, into);
}

function write(h: SegmentHeader): Uint8Array {
  const bytes = new Uint8Array(KCP_HEADER_BYTES);
  writeSegmentHeader(new DataView(bytes.buffer), 0, h);
  return bytes;
}

describe('KCP segment header', () => {
  it('reads a hand-built push segment field by field', () => {
    expect(read(PUSH_FIXTURE)).toEqual({ conv: 0x12345678, cmd: KCP_CMD.PUSH, frg: 2, wnd: 128, ts: 1000, sn: 5, una: 4, len: 3 });
  });

  it('writes byte-exact headers, little-endian, including counters near the 32-bit wrap', () => {
    expect(Buffer.from(write({ conv: 0x12345678, cmd: 81, frg: 2, wnd: 128, ts: 1000, sn: 5, una: 4, len: 3 }))).toEqual(
      Buffer.from(PUSH_FIXTURE.subarray(0, KCP_HEADER_BYTES)),
    );
    expect(Buffer.from(write({ conv: 1, cmd: 82, frg: 0, wnd: 32, ts: 0xffffffff, sn: 0xfffffffe, una: 0, len: 0 }))).toEqual(Buffer.from(ACK_FIXTURE));
    expect(read(ACK_FIXTURE)).toMatchObject({ cmd: KCP_CMD.ACK, ts: 0xffffffff, sn: 0xfffffffe });
  });

  it('tells the conversation of a datagram, or nothing for one shorter than a header', () => {
    expect(convOf(PUSH_FIXTURE)).toBe(0x12345678);
    expect(convOf(PUSH_FIXTURE.subarray(0, 23))).toBeUndefined();
  });
});
