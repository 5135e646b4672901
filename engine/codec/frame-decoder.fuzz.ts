/**
 * Fuzz target: the length-prefixed frame decoder (frame-decoder.ts). A stream of frames, valid or
 * mutated, cut into random chunks, under a random frame limit: decoding it chunk by chunk gives
 * the same frames and the same error as decoding it whole; frames keep to the limit and re-encode
 * to the bytes they came from; the only error is the coded refusal at the header; what the
 * decoder holds never passes a header and a frame.
 */
import fc from 'fast-check';
import { chunked, joinChunks, mutatedBytes } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { CodecError } from './errors.js';
import { FRAME_HEADER_BYTES, FrameDecoder, writeFrameHeader } from './frame-decoder.js';

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  writeFrameHeader(out, 0, payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

const stream = fc.array(fc.uint8Array({ maxLength: 300 }).map(frame), { maxLength: 6 }).map(joinChunks);

function decode(chunks: readonly Uint8Array[], maxFrameBytes: number): { frames: Uint8Array[]; refused: boolean } {
  const decoder = new FrameDecoder(maxFrameBytes);
  // Frames may be views of a chunk: copy them, as a caller keeping one must.
  const frames: Uint8Array[] = [];
  try {
    for (const chunk of chunks) {
      decoder.push(chunk, (f) => frames.push(f.slice()));
      if (decoder.bufferedBytes > FRAME_HEADER_BYTES + maxFrameBytes) throw new Error(`holds ${decoder.bufferedBytes} bytes`);
    }
  } catch (err) {
    if (err instanceof CodecError && err.code === 'CODEC_ERR_FRAME_TOO_LARGE') return { frames, refused: true };
    throw err;
  }
  return { frames, refused: false };
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export const frameDecoderTarget = defineFuzzTarget({
  name: 'codec.frame-decoder',
  description: 'length-prefixed frames (RPC links): header check, frames across chunks',
  arbitrary: fc.record({ chunks: chunked(mutatedBytes(stream, 64)), maxFrameBytes: fc.nat(400) }),
  check({ chunks, maxFrameBytes }) {
    const split = decode(chunks, maxFrameBytes);
    const whole = decode([joinChunks(chunks)], maxFrameBytes);
    if (split.refused !== whole.refused || split.frames.map(hex).join() !== whole.frames.map(hex).join()) {
      throw new Error(`split: ${split.frames.length} frames, refused ${split.refused}; whole: ${whole.frames.length}, refused ${whole.refused}`);
    }
    for (const f of split.frames) if (f.length > maxFrameBytes) throw new Error(`frame of ${f.length} > ${maxFrameBytes}`);
    if (!hex(joinChunks(chunks)).startsWith(hex(joinChunks(split.frames.map(frame))))) throw new Error('the frames do not re-encode to the stream they came from');
  },
});
