/**
 * A winston transport that writes each rendered line to one stream (the console by default)
 * through a {@link BoundedWriter}, so a stalled pipe drops lines instead of growing memory.
 */
import type { Writable } from 'node:stream';
import TransportStream from 'winston-transport';
import { BoundedWriter } from './bounded-writer.js';
import { reportOnceToStderr, type LogErrorReporter } from './report-once.js';
import { lineOf } from './winston-info.js';

/** Options for {@link StreamTransport}. */
export interface StreamTransportOptions {
  /** Where lines go. Never ended by this transport: it may be `process.stdout`. */
  stream: Writable;
  /** Renders each info into `info[MESSAGE]`, e.g. `recordFormat(formatConsoleLine)`. */
  format: TransportStream.TransportStreamOptions['format'];
  /** Queue cap in bytes before lines are dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** The notice written after lines were dropped (default: a bare text line). */
  droppedNotice?: (count: number) => string;
  /** Receives the stream's errors, e.g. EPIPE (default: the first one is written to stderr). */
  reportError?: LogErrorReporter;
}

/** Bounded line output to a stream that this transport does not own. */
export class StreamTransport extends TransportStream {
  private readonly stream: Writable;
  private readonly writer: BoundedWriter;
  private readonly onStreamError: (err: unknown) => void;
  private stopped = false;

  /**
   * @param options see {@link StreamTransportOptions}.
   * @throws RangeError when `maxBufferedBytes` is not positive.
   */
  constructor(options: StreamTransportOptions) {
    super({ format: options.format });
    this.stream = options.stream;
    this.writer = new BoundedWriter({
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      droppedNotice: options.droppedNotice ?? ((count) => `log: dropped ${count} lines while the console was slow`),
    });
    // Without a listener a broken pipe (EPIPE on stdout) would crash the process from inside a log call.
    this.onStreamError = options.reportError ?? reportOnceToStderr('console output');
    this.stream.on('error', this.onStreamError);
  }

  /** Lines dropped so far and bytes still queued. */
  get stats(): { droppedLines: number; bufferedBytes: number } {
    return { droppedLines: this.writer.droppedLines, bufferedBytes: this.writer.bufferedBytes };
  }

  /** Called by winston for each accepted info; always calls back at once so winston never queues. */
  override log(info: unknown, next: () => void): void {
    if (!this.stopped) this.writer.write(this.stream, lineOf(info));
    next();
  }

  /**
   * Stops writing and resolves when the lines already queued have been flushed (or failed). The
   * stream itself stays open. Safe to call more than once.
   */
  override async close(): Promise<void> {
    this.stopped = true;
    await this.writer.drained();
    this.stream.off('error', this.onStreamError);
  }
}
