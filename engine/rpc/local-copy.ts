/**
 * What a call to this server itself passes instead of a frame: the arguments and results as the
 * callee and caller would get them over a socket, without the envelope's encode and decode.
 * Strings, numbers, booleans and null cannot be changed by whoever holds them, so they pass as
 * they are (undefined becomes null, as on the wire); binaries (the bytes a client sent, a result
 * already encoded) are copied into a Buffer, as the socket would give them; anything else
 * (objects, arrays, dates) is encoded and decoded, so that neither side holds what the other can
 * change, and a value the socket could not carry fails the same way. Each argument is copied on
 * its own: one object among them does not cost the others a round trip.
 */
import { ByteSink } from '../codec/byte-sink.js';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { MsgpackWriter } from '../codec/msgpack-writer.js';
import { RpcError } from './errors.js';

/** Copies values for calls within one process. */
export class LocalCopy {
  // A string this long might pass the string cap: it takes the codec's path to fail as it would.
  private readonly longString: number;

  constructor(
    private readonly codec: MsgpackCodec,
    private readonly writer: MsgpackWriter,
  ) {
    this.longString = Math.floor(codec.limits.maxStringBytes / 3);
  }

  /**
   * A call's arguments, as the callee would decode them.
   * @throws RpcError `RPC_ERR_ENCODING` for arguments msgpack cannot carry within the limits.
   */
  args(args: readonly unknown[]): unknown[] {
    const length = args.length;
    if (length > this.codec.limits.maxArrayLength) throw new RpcError('RPC_ERR_ENCODING', `${length} arguments > ${this.codec.limits.maxArrayLength}`);
    const copy = new Array<unknown>(length);
    // The arguments travel as one array: what each holds sits one level down.
    for (let i = 0; i < length; i++) copy[i] = this.copy(args[i], 1);
    return copy;
  }

  /**
   * A result, as the caller would decode it.
   * @throws RpcError `RPC_ERR_ENCODING` for a value msgpack cannot carry within the limits.
   */
  value(value: unknown): unknown {
    return this.copy(value, 0);
  }

  private copy(value: unknown, depth: number): unknown {
    if (this.passes(value)) return value ?? null;
    if (ArrayBuffer.isView(value)) {
      if (value.byteLength > this.codec.limits.maxBinaryBytes) throw new RpcError('RPC_ERR_ENCODING', `binary of ${value.byteLength} bytes > ${this.codec.limits.maxBinaryBytes}`);
      return Buffer.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    return this.roundTrip(value, depth);
  }

  private passes(value: unknown): boolean {
    switch (typeof value) {
      case 'number':
      case 'boolean':
      case 'undefined':
        return true;
      case 'string':
        return value.length <= this.longString;
      default:
        return value === null;
    }
  }

  // A fresh buffer each time: binaries decoded from it are views of it, handed to the other side.
  private roundTrip(value: unknown, depth: number): unknown {
    const sink = new ByteSink(Buffer.allocUnsafe(256));
    try {
      this.writer.write(sink, value, depth);
    } catch (err) {
      throw new RpcError('RPC_ERR_ENCODING', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (sink.pos > this.codec.limits.maxFrameBytes) throw new RpcError('RPC_ERR_ENCODING', `encoded ${sink.pos} bytes > ${this.codec.limits.maxFrameBytes}`);
    return this.codec.decodeOwn(sink.buf.subarray(0, sink.pos));
  }
}
