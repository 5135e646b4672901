import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BoundedWriter } from './bounded-writer.js';

/** A stream that keeps each write's callback until `flush()`. */
function heldStream(): { stream: Writable; chunks: string[]; flush: () => void } {
  const chunks: string[] = [];
  const held: Array<() => void> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      held.push(() => done());
    },
  });
  // Each released write lets the stream hand over its next buffered chunk, which is held again.
  const flush = (): void => {
    while (held.length > 0) held.shift()?.();
  };
  return { stream, chunks, flush };
}

const notice = (count: number): string => `dropped ${count}`;

describe('BoundedWriter', () => {
  it('accepts one line into an empty queue even when it is longer than the cap', () => {
    const { stream, chunks } = heldStream();
    const writer = new BoundedWriter({ maxBufferedBytes: 10, droppedNotice: notice });
    expect(writer.write(stream, 'a line longer than ten bytes')).toBe(29);
    expect(writer.write(stream, 'next')).toBe(0);
    expect(chunks).toEqual(['a line longer than ten bytes\n']);
    expect(writer.droppedLines).toBe(1);
  });

  it('writes one notice with the count once the backlog has drained, then writes normally', async () => {
    const { stream, chunks, flush } = heldStream();
    const writer = new BoundedWriter({ maxBufferedBytes: 20, droppedNotice: notice });
    for (let i = 0; i < 10; i++) writer.write(stream, 'nine byte');
    expect(writer.bufferedBytes).toBe(20);
    flush();
    await writer.drained();
    writer.write(stream, 'after');
    flush();
    await writer.drained();
    expect(chunks).toEqual(['nine byte\n', 'nine byte\n', 'dropped 8\n', 'after\n']);
    expect(writer.droppedLines).toBe(8);
  });

  it('counts lines lost to failed writes or to an ended stream as dropped', async () => {
    const failing = new Writable({ write: (_chunk, _enc, done) => done(new Error('EIO')) });
    failing.on('error', () => {});
    const writer = new BoundedWriter({ maxBufferedBytes: 100, droppedNotice: notice });
    writer.write(failing, 'lost');
    await writer.drained();
    writer.write(failing, 'not even offered');
    expect(writer.droppedLines).toBe(2);
    expect(writer.bufferedBytes).toBe(0);
  });

  it('rejects a cap that is not positive', () => {
    expect(() => new BoundedWriter({ maxBufferedBytes: 0, droppedNotice: notice })).toThrow(RangeError);
  });
});
