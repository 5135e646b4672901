/**
 * Batches outgoing frames: each frame is written (length header and payload) into a shared chunk,
 * and everything written during one turn of the event loop goes to the socket together at the
 * next `setImmediate`, so many small frames cost one system call. The bytes waiting here plus the
 * socket's own buffer are capped: past the cap a write throws instead of growing memory.
 */
import { FRAME_HEADER_BYTES, writeFrameHeader } from '../codec/frame-decoder.js';
import { RpcError } from './errors.js';

/** The part of a socket the writer needs. */
export interface FrameSink {
  write(chunk: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
}

const CHUNK_BYTES = 64 * 1024;
// Past this many bytes a batch goes out at once rather than at the end of the turn, so that the
// peer starts on it while this side is still producing: both processes work at the same time.
const EARLY_FLUSH_BYTES = 16 * 1024;

/** Frames waiting for the next flush to one socket. */
export class BatchWriter {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  /** The unflushed part of {@link chunk} is [start, end). */
  private start = 0;
  private end = 0;
  /** Earlier chunks that filled up before the flush. */
  private full: Buffer[] = [];
  private heldBytes = 0;
  private flushHandle: NodeJS.Immediate | undefined;
  private closed = false;

  /**
   * @param sink the socket.
   * @param maxQueuedBytes cap on bytes held here plus bytes buffered in the socket.
   */
  constructor(
    private readonly sink: FrameSink,
    private readonly maxQueuedBytes: number,
  ) {}

  /** Bytes not yet taken by the kernel: held here and buffered by the socket. */
  get queuedBytes(): number {
    return this.heldBytes + this.sink.writableLength;
  }

  /**
   * Queues one frame for `payload`, copying it.
   * @throws RpcError `RPC_ERR_OVERLOADED` when the frame would pass the cap; nothing is queued.
   */
  write(payload: Uint8Array): void {
    const size = FRAME_HEADER_BYTES + payload.length;
    if (this.queuedBytes + size > this.maxQueuedBytes) {
      throw new RpcError('RPC_ERR_OVERLOADED', `${this.queuedBytes} bytes queued, cap ${this.maxQueuedBytes}`);
    }
    if (this.chunk.length - this.end < size) {
      if (this.end > this.start) this.full.push(this.chunk.subarray(this.start, this.end));
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, size));
      this.start = this.end = 0;
    }
    writeFrameHeader(this.chunk, this.end, payload.length);
    this.chunk.set(payload, this.end + FRAME_HEADER_BYTES);
    this.end += size;
    this.heldBytes += size;
    if (this.closed) return;
    if (this.heldBytes >= EARLY_FLUSH_BYTES) this.flush();
    else if (!this.flushHandle) this.flushHandle = setImmediate(this.flush);
  }

  /** Hands everything held to the socket now. */
  readonly flush = (): void => {
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    if (this.closed || this.heldBytes === 0) return;
    // The socket keeps references to what it is given, so flushed bytes are never written again:
    // the next frames go after them in the chunk, or into a new chunk.
    const current = this.chunk.subarray(this.start, this.end);
    this.start = this.end;
    this.heldBytes = 0;
    if (this.full.length === 0) {
      this.sink.write(current);
      return;
    }
    this.sink.cork();
    for (const part of this.full) this.sink.write(part);
    this.full = [];
    if (current.length > 0) this.sink.write(current);
    this.sink.uncork();
  };

  /** Drops what is held and stops flushing. */
  close(): void {
    this.closed = true;
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    this.full = [];
    this.heldBytes = 0;
  }
}
