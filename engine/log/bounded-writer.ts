/**
 * Writes lines to async streams without ever queueing more than a fixed number of bytes. A slow
 * disk or pipe costs log lines, never memory or event-loop time: past the cap, lines are dropped
 * and counted, and once the backlog has halved a single notice line says how many were lost.
 */
import type { Writable } from 'node:stream';

/** Options for {@link BoundedWriter}. */
export interface BoundedWriterOptions {
  /**
   * Lines are dropped while this many bytes are queued and not yet flushed. One line is always
   * accepted into an empty queue, so a line longer than the cap is not lost for that reason alone.
   * @throws RangeError from the constructor when not a positive number.
   */
  maxBufferedBytes: number;
  /** Renders the notice (without newline) written after `count` lines were dropped. */
  droppedNotice: (count: number) => string;
}

/** Byte-bounded writing of lines to one or more streams (a rotating file moves between streams). */
export class BoundedWriter {
  private readonly maxBufferedBytes: number;
  private readonly droppedNotice: (count: number) => string;
  private pending = 0;
  private droppedTotal = 0;
  private droppedSinceNotice = 0;
  private idleWaiters: Array<() => void> = [];

  /** @param options see {@link BoundedWriterOptions}. */
  constructor(options: BoundedWriterOptions) {
    if (!(options.maxBufferedBytes > 0)) throw new RangeError(`maxBufferedBytes must be > 0, got ${options.maxBufferedBytes}`);
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.droppedNotice = options.droppedNotice;
  }

  /** Bytes handed to streams and not yet flushed by them. */
  get bufferedBytes(): number {
    return this.pending;
  }

  /** Lines dropped (or lost to a failed write) since this writer was made. */
  get droppedLines(): number {
    return this.droppedTotal;
  }

  /**
   * Queues `line` plus a newline on `stream`, or drops it when the queue is full or the stream is
   * no longer writable. A due dropped-lines notice goes first.
   *
   * @returns the bytes queued on `stream` (notice included), 0 when the line was dropped.
   */
  write(stream: Writable, line: string): number {
    if (!isWritable(stream)) {
      this.drop();
      return 0;
    }
    let queued = this.writeNoticeIfDue(stream);
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    if (this.pending > 0 && this.pending + bytes.length > this.maxBufferedBytes) {
      this.drop();
      return queued;
    }
    this.send(stream, bytes);
    queued += bytes.length;
    return queued;
  }

  /** Counts a line that could not even be offered to a stream (for example while none is open). */
  drop(): void {
    this.droppedTotal++;
    this.droppedSinceNotice++;
  }

  /** Resolves once every queued byte has been flushed or has failed. */
  drained(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private send(stream: Writable, bytes: Buffer): void {
    this.pending += bytes.length;
    stream.write(bytes, (err) => {
      this.pending -= bytes.length;
      // A failed write lost its line: it is counted with the dropped ones and reported by the
      // owner of the stream through its 'error' event.
      if (err) this.drop();
      else this.writeNoticeIfDue(stream);
      if (this.pending === 0) this.wakeIdleWaiters();
    });
  }

  /** The disk has caught up when the backlog is at most half the cap; say what was lost. */
  private writeNoticeIfDue(stream: Writable): number {
    if (this.droppedSinceNotice === 0 || this.pending > this.maxBufferedBytes / 2 || !isWritable(stream)) return 0;
    const notice = Buffer.from(`${this.droppedNotice(this.droppedSinceNotice)}\n`, 'utf8');
    this.droppedSinceNotice = 0;
    this.send(stream, notice);
    return notice.length;
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function isWritable(stream: Writable): boolean {
  return !stream.destroyed && !stream.writableEnded;
}
