/**
 * A msgpack encoder that writes straight into a {@link ByteSink} (the chunk a frame goes out in),
 * for values this server built. It checks the limits as it writes each header (depth, string,
 * binary, array and map lengths, forbidden keys), so a value it accepts is one the receiving
 * side's checker accepts, without walking the bytes a second time. Values: null, booleans,
 * numbers, strings, typed arrays and DataViews (as binary), Date (timestamp extension), arrays and
 * plain objects (their own enumerable string keys); `undefined` travels as null. The bytes are
 * those of `@msgpack/msgpack`'s encoder for the same value.
 */
import type { ByteSink } from './byte-sink.js';
import { CodecError } from './errors.js';
import type { CodecLimits } from './limits.js';
import { utf8Length, writeUtf8 } from './utf8.js';

// msgpack is big-endian; a float64 is written through this scratch pair in the host's order.
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TIMESTAMP_EXT = 0xff; // -1

/** Encodes values into sinks under one set of limits. Stateless between calls. */
export class MsgpackWriter {
  /** @param limits the caps the receiving side checks. */
  constructor(readonly limits: Readonly<CodecLimits>) {}

  /**
   * Writes `value` at `sink.pos`. On a throw the sink holds a partial value: its owner drops it.
   * `depth`: the containers `value` will sit in once decoded (1 for an element of an array), so
   * that the depth limit counts from the top of the whole value.
   * @throws CodecError `CODEC_ERR_UNENCODABLE` for values msgpack cannot carry (functions,
   *   symbols, bigints, invalid dates, cycles) or that break a limit.
   */
  write(sink: ByteSink, value: unknown, depth = 0): void {
    this.value(sink, value, depth);
  }

  private value(sink: ByteSink, value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.string(sink, value);
        return;
      case 'number':
        number(sink, value);
        return;
      case 'boolean':
        sink.ensure(1);
        sink.u8(value ? 0xc3 : 0xc2);
        return;
      case 'undefined':
        sink.ensure(1);
        sink.u8(0xc0);
        return;
      case 'object':
        if (value === null) {
          sink.ensure(1);
          sink.u8(0xc0);
        } else this.object(sink, value, depth + 1);
        return;
      default:
        throw unencodable(`a ${typeof value} cannot be encoded`);
    }
  }

  private object(sink: ByteSink, value: object, depth: number): void {
    if (Array.isArray(value)) {
      if (depth > this.limits.maxDepth) throw unencodable(`nested deeper than ${this.limits.maxDepth}`);
      const length = value.length;
      if (length > this.limits.maxArrayLength) throw unencodable(`array of ${length} elements > ${this.limits.maxArrayLength}`);
      containerHeader(sink, length, 0x90, 0xdc);
      for (let i = 0; i < length; i++) this.value(sink, value[i], depth);
      return;
    }
    if (ArrayBuffer.isView(value)) {
      this.binary(sink, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return;
    }
    if (value instanceof Date) {
      timestamp(sink, value);
      return;
    }
    if (depth > this.limits.maxDepth) throw unencodable(`nested deeper than ${this.limits.maxDepth}`);
    const keys = Object.keys(value);
    const length = keys.length;
    if (length > this.limits.maxMapLength) throw unencodable(`map of ${length} entries > ${this.limits.maxMapLength}`);
    containerHeader(sink, length, 0x80, 0xde);
    for (let i = 0; i < length; i++) {
      const key = keys[i]!;
      // Decoded into a plain object, these keys would reach its prototype: the receiver refuses them.
      if (key === '__proto__' || key === 'constructor') throw unencodable(`forbidden key ${key}`);
      this.string(sink, key);
      this.value(sink, (value as Record<string, unknown>)[key], depth);
    }
  }

  private string(sink: ByteSink, text: string): void {
    if (text.length < 32 && text.length <= this.limits.maxStringBytes && writeShortAscii(sink, text)) return;
    // Every UTF-16 unit is at least one byte: a string this long cannot fit whatever it holds.
    if (text.length > this.limits.maxStringBytes) throw unencodable(`string of ${text.length} characters > ${this.limits.maxStringBytes} bytes`);
    const bytes = utf8Length(text);
    if (bytes > this.limits.maxStringBytes) throw unencodable(`string of ${bytes} bytes > ${this.limits.maxStringBytes}`);
    sink.ensure(5 + bytes);
    if (bytes < 32) sink.u8(0xa0 | bytes);
    else if (bytes < 0x100) {
      sink.u8(0xd9);
      sink.u8(bytes);
    } else if (bytes < 0x10000) {
      sink.u8(0xda);
      sink.u16(bytes);
    } else {
      sink.u8(0xdb);
      sink.u32(bytes);
    }
    writeUtf8(sink.buf, sink.pos, text, bytes);
    sink.pos += bytes;
  }

  private binary(sink: ByteSink, bytes: Uint8Array): void {
    const length = bytes.length;
    if (length > this.limits.maxBinaryBytes) throw unencodable(`binary of ${length} bytes > ${this.limits.maxBinaryBytes}`);
    sink.ensure(5 + length);
    if (length < 0x100) {
      sink.u8(0xc4);
      sink.u8(length);
    } else if (length < 0x10000) {
      sink.u8(0xc5);
      sink.u16(length);
    } else {
      sink.u8(0xc6);
      sink.u32(length);
    }
    sink.buf.set(bytes, sink.pos);
    sink.pos += length;
  }
}

// Most strings are short ASCII (keys, names, ids): written as a fixstr in one pass, without
// counting their UTF-8 bytes first. Returns false, having written nothing that counts, otherwise.
function writeShortAscii(sink: ByteSink, text: string): boolean {
  const length = text.length;
  sink.ensure(1 + length);
  const buf = sink.buf;
  const at = sink.pos + 1;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80) return false;
    buf[at + i] = unit;
  }
  buf[at - 1] = 0xa0 | length;
  sink.pos = at + length;
  return true;
}

function unencodable(message: string): CodecError {
  return new CodecError('CODEC_ERR_UNENCODABLE', message);
}

function containerHeader(sink: ByteSink, length: number, fix: number, sized16: number): void {
  sink.ensure(5);
  if (length < 16) sink.u8(fix | length);
  else if (length < 0x10000) {
    sink.u8(sized16);
    sink.u16(length);
  } else {
    sink.u8(sized16 + 1);
    sink.u32(length);
  }
}

function number(sink: ByteSink, value: number): void {
  sink.ensure(9);
  if (!Number.isSafeInteger(value)) {
    sink.u8(0xcb);
    float64(sink, value);
  } else if (value >= 0) {
    if (value < 0x80) sink.u8(value);
    else if (value < 0x100) {
      sink.u8(0xcc);
      sink.u8(value);
    } else if (value < 0x10000) {
      sink.u8(0xcd);
      sink.u16(value);
    } else if (value < 0x1_0000_0000) {
      sink.u8(0xce);
      sink.u32(value);
    } else {
      sink.u8(0xcf);
      sink.u32(Math.floor(value / 0x1_0000_0000));
      sink.u32(value >>> 0);
    }
  } else if (value >= -0x20) sink.u8(value & 0xff);
  else if (value >= -0x80) {
    sink.u8(0xd0);
    sink.u8(value & 0xff);
  } else if (value >= -0x8000) {
    sink.u8(0xd1);
    sink.u16(value & 0xffff);
  } else if (value >= -0x8000_0000) {
    sink.u8(0xd2);
    sink.u32(value >>> 0);
  } else {
    sink.u8(0xd3);
    sink.u32(Math.floor(value / 0x1_0000_0000) >>> 0);
    sink.u32(value >>> 0);
  }
}

function float64(sink: ByteSink, value: number): void {
  float[0] = value;
  const buf = sink.buf;
  const at = sink.pos;
  if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) buf[at + i] = floatBytes[7 - i]!;
  else buf.set(floatBytes, at);
  sink.pos = at + 8;
}

// The timestamp extension in its smallest form, as @msgpack/msgpack writes it.
function timestamp(sink: ByteSink, date: Date): void {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw unencodable('an invalid Date cannot be encoded');
  const sec = Math.floor(ms / 1000);
  const nsec = (ms - sec * 1000) * 1e6;
  sink.ensure(15);
  if (sec >= 0 && sec < 0x4_0000_0000) {
    if (nsec === 0 && sec < 0x1_0000_0000) {
      sink.u8(0xd6);
      sink.u8(TIMESTAMP_EXT);
      sink.u32(sec);
    } else {
      sink.u8(0xd7);
      sink.u8(TIMESTAMP_EXT);
      sink.u32(nsec * 4 + Math.floor(sec / 0x1_0000_0000));
      sink.u32(sec >>> 0);
    }
  } else {
    sink.u8(0xc7);
    sink.u8(12);
    sink.u8(TIMESTAMP_EXT);
    sink.u32(nsec);
    sink.u32(Math.floor(sec / 0x1_0000_0000) >>> 0);
    sink.u32(sec >>> 0);
  }
}
