/**
 * The wire form of envelopes (envelope.ts has their meaning). The four kinds a busy link carries
 * (CALL, NOTIFY, RESULT, ERROR) have a small binary header written and read by hand, then their
 * arguments or value as msgpack; the handshake kinds, GOAWAY and PING stay msgpack arrays. The two
 * never collide: a binary frame starts with its kind (3–6), a msgpack array with 0x90–0x9f.
 *
 *   CALL    03 | id u32 | budgetMs u32 | trace s | to s | scope s | method s | args (msgpack array)
 *   NOTIFY  04 | trace s | to s | scope s | method s | args (msgpack array)
 *   RESULT  05 | id u32 | value (msgpack)
 *   ERROR   06 | id u32 | wireCode u32 | code s | message (UTF-8, the rest of the frame)
 *
 * Integers are big-endian. `s` is a u16 byte length then that many bytes of UTF-8; 0xffff stands
 * for null where the field may be null. A budget is whole milliseconds, rounded up, 0 for spent.
 *
 * Reading checks every length against the bytes the frame holds before it reads them, and the
 * arguments and value against the codec's limits before decoding them: these bytes come from
 * peers. Writing checks limits only as it writes (msgpack-writer.ts): these values this server built.
 */
import { ByteSink } from '../codec/byte-sink.js';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { MsgpackWriter } from '../codec/msgpack-writer.js';
import { readUtf8, utf8Length, writeUtf8 } from '../codec/utf8.js';
import { isWellFormedUtf8 } from '../codec/well-formed-utf8.js';
import { KIND, type CallEnvelope, type ErrorEnvelope, type NotifyEnvelope, type ResultEnvelope } from './envelope.js';
import { RpcError } from './errors.js';

/** The envelopes that travel in binary form. */
export type BinaryEnvelope = CallEnvelope | NotifyEnvelope | ResultEnvelope | ErrorEnvelope;

const NULL_STRING = 0xffff;
/** Longest header string, in UTF-8 bytes. */
export const MAX_HEADER_STRING_BYTES = NULL_STRING - 1;
const MAX_U32 = 0xffff_ffff;
// Where a CALL's budget lies in its frame: after the kind and the id.
const CALL_BUDGET_OFFSET = 5;

/** Whether a frame starting with `first` is in binary form. */
export function isBinaryKind(first: number): boolean {
  return first >= KIND.CALL && first <= KIND.ERROR;
}

/** A call's budget as sent: whole ms, rounded up, within a u32. */
export function wireBudget(timeoutMs: number): number {
  return timeoutMs <= 0 ? 0 : Math.min(MAX_U32, Math.ceil(timeoutMs));
}

/** Rewrites the budget of an encoded CALL (one that waited for its link) in place. */
export function setCallBudget(frame: Uint8Array, budgetMs: number): void {
  const at = CALL_BUDGET_OFFSET;
  frame[at] = budgetMs >>> 24;
  frame[at + 1] = (budgetMs >>> 16) & 0xff;
  frame[at + 2] = (budgetMs >>> 8) & 0xff;
  frame[at + 3] = budgetMs & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes `envelope` at `sink.pos`, its arguments or value with `writer`. On a throw the sink
 * holds a partial frame: its owner drops it.
 * @throws RpcError `RPC_ERR_ENCODING` for a header string past 65,534 bytes; CodecError from the
 *   writer for arguments or a value it cannot carry.
 */
export function writeEnvelope(sink: ByteSink, envelope: BinaryEnvelope, writer: MsgpackWriter): void {
  sink.ensure(9);
  sink.u8(envelope[0]);
  switch (envelope[0]) {
    case KIND.CALL:
      sink.u32(envelope[1]);
      sink.u32(wireBudget(envelope[2]));
      headerStrings(sink, envelope[3], envelope[4], envelope[5], envelope[6]);
      writer.write(sink, envelope[7]);
      return;
    case KIND.NOTIFY:
      headerStrings(sink, envelope[1], envelope[2], envelope[3], envelope[4]);
      writer.write(sink, envelope[5]);
      return;
    case KIND.RESULT:
      sink.u32(envelope[1]);
      writer.write(sink, envelope[2]);
      return;
    case KIND.ERROR: {
      sink.u32(envelope[1]);
      sink.ensure(4);
      sink.u32(envelope[2]);
      headerString(sink, envelope[3]);
      const bytes = utf8Length(envelope[4]);
      sink.ensure(bytes);
      writeUtf8(sink.buf, sink.pos, envelope[4], bytes);
      sink.pos += bytes;
      return;
    }
  }
}

function headerStrings(sink: ByteSink, trace: string | null, to: string | null, scope: string, method: string): void {
  headerString(sink, trace);
  headerString(sink, to);
  headerString(sink, scope);
  headerString(sink, method);
}

function headerString(sink: ByteSink, text: string | null): void {
  if (text === null) {
    sink.ensure(2);
    sink.u16(NULL_STRING);
    return;
  }
  const length = text.length;
  if (length < 128) {
    // Names and ids are short ASCII: written in one pass, without counting their bytes first.
    sink.ensure(2 + length);
    const buf = sink.buf;
    const at = sink.pos + 2;
    let i = 0;
    while (i < length && text.charCodeAt(i) < 0x80) {
      buf[at + i] = text.charCodeAt(i);
      i++;
    }
    if (i === length) {
      sink.u16(length);
      sink.pos += length;
      return;
    }
  }
  const bytes = utf8Length(text);
  if (bytes > MAX_HEADER_STRING_BYTES) throw new RpcError('RPC_ERR_ENCODING', `a header string of ${bytes} bytes > ${MAX_HEADER_STRING_BYTES}`);
  sink.ensure(2 + bytes);
  sink.u16(bytes);
  writeUtf8(sink.buf, sink.pos, text, bytes);
  sink.pos += bytes;
}

/**
 * `envelope` alone in a buffer of its own (a frame waiting for its link, a test's frame). A frame
 * that outgrew the first buffer is copied out of the doubled one, so that what a queue counts of
 * it is what it holds.
 */
export function encodeEnvelope(envelope: BinaryEnvelope, writer: MsgpackWriter): Uint8Array {
  const first = Buffer.allocUnsafe(256);
  const sink = new ByteSink(first);
  writeEnvelope(sink, envelope, writer);
  const frame = sink.buf.subarray(0, sink.pos);
  return sink.buf === first ? frame : Uint8Array.prototype.slice.call(frame);
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Reads a binary envelope from a frame a peer sent.
 * @returns the envelope, or what is wrong with it.
 * @throws CodecError when the arguments or value are not msgpack within `codec`'s limits.
 */
export function readEnvelope(frame: Uint8Array, codec: MsgpackCodec): BinaryEnvelope | string {
  const reader = new HeaderReader(frame);
  switch (frame[0]) {
    case KIND.CALL: {
      const id = reader.u32();
      const budget = reader.u32();
      const trace = reader.optional();
      const to = reader.optional();
      const scope = reader.name();
      const method = reader.name();
      if (id < 0 || budget < 0 || trace === undefined || to === undefined || scope === undefined || method === undefined) return 'bad CALL';
      const args = codec.decode(frame.subarray(reader.pos));
      return Array.isArray(args) ? [KIND.CALL, id, budget, trace, to, scope, method, args] : 'bad CALL';
    }
    case KIND.NOTIFY: {
      const trace = reader.optional();
      const to = reader.optional();
      const scope = reader.name();
      const method = reader.name();
      if (trace === undefined || to === undefined || scope === undefined || method === undefined) return 'bad NOTIFY';
      const args = codec.decode(frame.subarray(reader.pos));
      return Array.isArray(args) ? [KIND.NOTIFY, trace, to, scope, method, args] : 'bad NOTIFY';
    }
    case KIND.RESULT: {
      const id = reader.u32();
      if (id < 0) return 'bad RESULT';
      return [KIND.RESULT, id, codec.decode(frame.subarray(reader.pos))];
    }
    case KIND.ERROR: {
      const id = reader.u32();
      const wire = reader.u32();
      const code = reader.name();
      if (id < 0 || wire < 0 || code === undefined) return 'bad ERROR';
      if (!isWellFormedUtf8(frame, reader.pos, frame.length)) return 'bad ERROR';
      return [KIND.ERROR, id, wire, code, readUtf8(frame, reader.pos, frame.length)];
    }
    default:
      return `unknown kind ${frame[0]}`;
  }
}

/** Reads header fields, each only after checking the frame holds it; -1 or undefined when it does not. */
class HeaderReader {
  pos = 1;

  constructor(private readonly frame: Uint8Array) {}

  u32(): number {
    const frame = this.frame;
    const at = this.pos;
    if (at + 4 > frame.length) return -1;
    this.pos = at + 4;
    return frame[at]! * 0x100_0000 + ((frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!);
  }

  /** A string that may not be null; undefined when malformed or null. */
  name(): string | undefined {
    const text = this.optional();
    return text === null ? undefined : text;
  }

  /** A string or null; undefined when malformed. */
  optional(): string | null | undefined {
    const frame = this.frame;
    const at = this.pos;
    if (at + 2 > frame.length) return undefined;
    const length = (frame[at]! << 8) | frame[at + 1]!;
    if (length === NULL_STRING) {
      this.pos = at + 2;
      return null;
    }
    const start = at + 2;
    const end = start + length;
    if (end > frame.length) return undefined;
    this.pos = end;
    for (let i = start; i < end; i++) {
      if (frame[i]! >= 0x80) return isWellFormedUtf8(frame, start, end) ? readUtf8(frame, start, end) : undefined;
    }
    return length <= MAX_INTERNED_BYTES ? interned(frame, start, length) : readUtf8(frame, start, end);
  }
}

// Scopes, methods, entity and trace ids repeat from frame to frame: a short ASCII string is looked
// up among recent ones by its bytes, so that it is neither built again nor hashed again by the
// target lookup that follows.
const MAX_INTERNED_BYTES = 64;
const INTERN_SLOTS = 64;
const internedBytes: (Uint8Array | undefined)[] = new Array(INTERN_SLOTS).fill(undefined);
const internedText: string[] = new Array(INTERN_SLOTS).fill('');

function interned(frame: Uint8Array, start: number, length: number): string {
  if (length === 0) return '';
  const slot = (length * 31 + frame[start]! * 7 + frame[start + length - 1]!) & (INTERN_SLOTS - 1);
  const known = internedBytes[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known[i] === frame[start + i]) i++;
    if (i === length) return internedText[slot]!;
  }
  // A copy: a Buffer's own slice() is a view, which would keep the whole socket read alive.
  const bytes = Uint8Array.prototype.slice.call(frame, start, start + length);
  const text = readUtf8(bytes, 0, length);
  internedBytes[slot] = bytes;
  internedText[slot] = text;
  return text;
}
