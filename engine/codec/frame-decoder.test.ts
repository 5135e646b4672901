import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, FrameDecoder, writeFrameHeader } from './frame-decoder.js';

function frameOf(payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(bytes, 0, payload.length);
  bytes.set(payload, FRAME_HEADER_BYTES);
  return bytes;
}

const payloads = [new Uint8Array([1]), new Uint8Array(0), new Uint8Array(300).map((_, i) => i & 0xff), new Uint8Array([9, 8, 7])];
const stream = Buffer.concat(payloads.map(frameOf));

function decodeChunks(chunks: Uint8Array[], max = 1000): Uint8Array[] {
  const decoder = new FrameDecoder(max);
  const frames: Uint8Array[] = [];
  for (const chunk of chunks) decoder.push(chunk, (frame) => frames.push(Uint8Array.from(frame)));
  return frames;
}

describe('FrameDecoder', () => {
  it('writes the length as 4 big-endian bytes', () => {
    expect(Buffer.from(frameOf(new Uint8Array(0x0102))).subarray(0, 4).toString('hex')).toBe('00000102');
  });

  it('yields the same frames for every split of the stream into two chunks', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(decodeChunks([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(payloads);
    }
  });

  it('yields the same frames byte by byte and for random splits', () => {
    expect(decodeChunks([...stream].map((byte) => new Uint8Array([byte])))).toEqual(payloads);
    let seed = 7;
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < stream.length; ) {
        seed = (seed * 1_103_515_245 + 12_345) >>> 0;
        const size = 1 + (seed % 37);
        chunks.push(stream.subarray(at, at + size));
        at += size;
      }
      expect(decodeChunks(chunks)).toEqual(payloads);
    }
  });

  it('waits without error on an incomplete frame and reports what it holds', () => {
    const decoder = new FrameDecoder(1000);
    const frames: Uint8Array[] = [];
    decoder.push(stream.subarray(0, 7), (frame) => frames.push(frame));
    expect(frames).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(2);
  });

  it('holds only the bytes that arrived of a frame declared large, and takes a new cap between chunks', () => {
    const decoder = new FrameDecoder(10);
    expect(() => decoder.push(Buffer.from('000003e8', 'hex'), () => {})).toThrow(expect.objectContaining({ code: 'CODEC_ERR_FRAME_TOO_LARGE' }));
    const raised = new FrameDecoder(10);
    raised.maxFrameBytes = 1000;
    const frames: Uint8Array[] = [];
    raised.push(Buffer.concat([Buffer.from('000003e8', 'hex'), Buffer.alloc(10, 1)]), (frame) => frames.push(frame));
    expect(raised.bufferedBytes).toBe(10);
    for (let i = 0; i < 99; i++) raised.push(Buffer.alloc(10, 1), (frame) => frames.push(frame));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toEqual(new Uint8Array(1000).fill(1));
  });

  it('rejects a declared length over the cap as soon as the header is complete', () => {
    const decoder = new FrameDecoder(100);
    decoder.push(new Uint8Array([0, 0]), () => {});
    expect(() => decoder.push(new Uint8Array([0, 101]), () => {})).toThrow(
      expect.objectContaining({ code: 'CODEC_ERR_FRAME_TOO_LARGE' }),
    );
    expect(() => new FrameDecoder(100).push(new Uint8Array([0xff, 0xff, 0xff, 0xff]), () => {})).toThrow(
      expect.objectContaining({ code: 'CODEC_ERR_FRAME_TOO_LARGE' }),
    );
  });

  it('passes a frame that lies inside one chunk as a view of that chunk', () => {
    const chunk = frameOf(new Uint8Array([5, 6]));
    let seen: Uint8Array | undefined;
    new FrameDecoder(10).push(chunk, (frame) => (seen = frame));
    expect(seen?.buffer).toBe(chunk.buffer);
  });
});
