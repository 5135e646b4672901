/**
 * Batches outgoing frames: each frame is encoded straight into a shared chunk (length header
 * reserved, payload encoded in place, length filled in), and everything written during one turn
 * of the event loop goes to the socket together at the next `setImmediate`, so many small frames
 * cost one system call and no copy. The bytes waiting here plus the socket's own buffer are
 * capped: past the cap a frame is refused instead of growing memory.
 */
import { ByteSink } from '../codec/byte-sink.js';
import { CodecError } from '../codec/errors.js';
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
  /** The chunk being filled is `out.buf`; its unflushed part is [start, end), a frame being written [end, out.pos). */
  private readonly out: ByteSink;
  private start = 0;
  private end = 0;
  /** Earlier chunks that filled up before the flush. */
  private full: Uint8Array[] = [];
  private heldBytes = 0;
  private flushHandle: NodeJS.Immediate | undefined;
  private closed = false;

  /**
   * @param sink the socket.
   * @param maxQueuedBytes cap on bytes held here plus bytes buffered in the socket.
   * @param maxFrameBytes cap on one frame's payload.
   */
  constructor(
    private readonly sink: FrameSink,
    private readonly maxQueuedBytes: number,
    private readonly maxFrameBytes: number,
  ) {
    this.out = new ByteSink(Buffer.allocUnsafe(CHUNK_BYTES), 0, (out, needed) => this.grow(out, needed));
  }

  /** Bytes not yet taken by the kernel: held here and buffered by the socket. */
  get queuedBytes(): number {
    return this.heldBytes + this.sink.writableLength;
  }

  /**
   * Starts a frame: its header is reserved, and its payload goes at the returned sink's `pos`.
   * Finish it with {@link commit}, or drop it with {@link abort} when encoding it failed.
   */
  begin(): ByteSink {
    const out = this.out;
    out.pos = this.end;
    out.ensure(FRAME_HEADER_BYTES);
    out.pos += FRAME_HEADER_BYTES;
    return out;
  }

  /**
   * Fills in the length of the frame begun and queues it.
   * @throws RpcError `RPC_ERR_OVERLOADED` when it would pass the cap, CodecError
   *   `CODEC_ERR_FRAME_TOO_LARGE` past the frame cap; the frame is dropped.
   */
  commit(): void {
    const out = this.out;
    const size = out.pos - this.end;
    const length = size - FRAME_HEADER_BYTES;
    if (length > this.maxFrameBytes) {
      this.abort();
      throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `encoded ${length} bytes > ${this.maxFrameBytes}`);
    }
    if (this.queuedBytes + size > this.maxQueuedBytes) {
      this.abort();
      throw new RpcError('RPC_ERR_OVERLOADED', `${this.queuedBytes} bytes queued, cap ${this.maxQueuedBytes}`);
    }
    writeFrameHeader(out.buf, this.end, length);
    this.end = out.pos;
    this.heldBytes += size;
    if (this.closed) return;
    if (this.heldBytes >= EARLY_FLUSH_BYTES) this.flush();
    else if (!this.flushHandle) this.flushHandle = setImmediate(this.flush);
  }

  /** Drops the frame begun. */
  abort(): void {
    this.out.pos = this.end;
  }

  /**
   * Queues one frame for `payload`, copying it.
   * @throws RpcError `RPC_ERR_OVERLOADED` when the frame would pass the cap; nothing is queued.
   */
  write(payload: Uint8Array): void {
    const out = this.begin();
    out.ensure(payload.length);
    out.buf.set(payload, out.pos);
    out.pos += payload.length;
    this.commit();
  }

  // The frame being written does not fit the chunk: the chunk keeps the frames before it, and the
  // frame moves to a new chunk (the only copy, once per chunk filled). A frame past the frame cap
  // stops here, before it takes more memory.
  private grow(out: ByteSink, needed: number): void {
    const frameBytes = out.pos - this.end;
    if (frameBytes + needed > FRAME_HEADER_BYTES + this.maxFrameBytes) {
      throw new CodecError('CODEC_ERR_FRAME_TOO_LARGE', `a frame of more than ${this.maxFrameBytes} bytes`);
    }
    const next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * (frameBytes + needed)));
    next.set(out.buf.subarray(this.end, out.pos));
    if (this.end > this.start) this.full.push(out.buf.subarray(this.start, this.end));
    out.buf = next;
    out.pos = frameBytes;
    this.start = this.end = 0;
  }

  /** Hands everything held to the socket now. */
  readonly flush = (): void => {
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
    if (this.closed || this.heldBytes === 0) return;
    // The socket keeps references to what it is given, so flushed bytes are never written again:
    // the next frames go after them in the chunk, or into a new chunk.
    const current = this.out.buf.subarray(this.start, this.end);
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
