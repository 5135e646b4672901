/**
 * What a call to this server itself passes instead of a frame: the arguments and results as the
 * callee and caller would get them over a socket, without the envelope's encode and decode.
 * Strings, numbers, booleans and null cannot be changed by whoever holds them, so they pass as
 * they are (undefined becomes null, as on the wire); anything else (objects, arrays, binaries,
 * dates) is encoded and decoded, so that neither side holds what the other can change, and a value
 * the socket could not carry fails the same way.
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
    const copy = new Array<unknown>(length);
    for (let i = 0; i < length; i++) {
      const arg = args[i];
      if (!this.passes(arg)) return this.roundTrip(args) as unknown[];
      copy[i] = arg ?? null;
    }
    return copy;
  }

  /**
   * A result, as the caller would decode it.
   * @throws RpcError `RPC_ERR_ENCODING` for a value msgpack cannot carry within the limits.
   */
  value(value: unknown): unknown {
    return this.passes(value) ? (value ?? null) : this.roundTrip(value);
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
  private roundTrip(value: unknown): unknown {
    const sink = new ByteSink(Buffer.allocUnsafe(256));
    try {
      this.writer.write(sink, value);
    } catch (err) {
      throw new RpcError('RPC_ERR_ENCODING', err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (sink.pos > this.codec.limits.maxFrameBytes) throw new RpcError('RPC_ERR_ENCODING', `encoded ${sink.pos} bytes > ${this.codec.limits.maxFrameBytes}`);
    return this.codec.decodeOwn(sink.buf.subarray(0, sink.pos));
  }
}
