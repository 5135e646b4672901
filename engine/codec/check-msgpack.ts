/**
 * Walks one msgpack value without building it and throws a {@link CodecError} at the first byte
 * that breaks a limit: a container header deeper or longer than allowed, a string or binary
 * length over its cap, a string that is not UTF-8, a forbidden map key, an unsupported type, or
 * missing or trailing bytes.
 * Running this before the decoder means a hostile frame costs a scan, never the allocation of a
 * million nested arrays.
 */
import { CodecError } from './errors.js';
import type { CodecLimits } from './limits.js';
import { isWellFormedUtf8 } from './well-formed-utf8.js';

// Map keys that would reach an object's prototype once decoded into a plain object.
const PROTO = new TextEncoder().encode('__proto__');
const CONSTRUCTOR = new TextEncoder().encode('constructor');
const TIMESTAMP_EXT = -1;

/**
 * Checks msgpack values against one set of limits. Reusable and allocation-free per check, which
 * matters because every received frame passes through it.
 */
export class MsgpackChecker {
  // Per open container, up to the depth limit: items still to read in the enclosing one, and
  // whether it is a map (whose even counts are keys).
  private readonly remaining: Float64Array;
  private readonly isMap: Uint8Array;
  private depth = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private pos = 0;

  constructor(private readonly limits: CodecLimits) {
    this.remaining = new Float64Array(limits.maxDepth + 1);
    this.isMap = new Uint8Array(limits.maxDepth + 1);
  }

  /**
   * Checks that `bytes` hold exactly one msgpack value within the limits.
   * @throws CodecError (`CODEC_ERR_TRUNCATED`, `CODEC_ERR_MALFORMED`, `CODEC_ERR_TOO_DEEP`,
   *   `CODEC_ERR_*_TOO_LONG`, `CODEC_ERR_FORBIDDEN_KEY`, `CODEC_ERR_UNSUPPORTED_TYPE`).
   */
  check(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.pos = 0;
    this.depth = 0;
    try {
      this.walk();
    } finally {
      this.bytes = EMPTY;
    }
  }

  private walk(): void {
    const bytes = this.bytes;
    const end = bytes.length;
    const limits = this.limits;
    let items = 1;
    while (true) {
      while (items === 0) {
        if (this.depth === 0) {
          if (this.pos !== end) throw new CodecError('CODEC_ERR_MALFORMED', `${end - this.pos} trailing bytes at offset ${this.pos}`);
          return;
        }
        items = this.remaining[--this.depth]!;
      }
      this.need(1);
      const depth = this.depth;
      if (depth > 0 && this.isMap[depth - 1] === 1 && items % 2 === 0) this.checkKey(bytes[this.pos]!);
      items--;
      const head = bytes[this.pos++]!;
      if (head <= 0x7f || head >= 0xe0) continue;
      let opened = -1;
      if (head <= 0x8f) opened = this.open(head & 0x0f, true);
      else if (head <= 0x9f) opened = this.open(head & 0x0f, false);
      else if (head <= 0xbf) this.text(head & 0x1f);
      else {
        switch (head) {
          case 0xc0: case 0xc2: case 0xc3: break;
          case 0xc4: this.skip(this.uint(1), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
          case 0xc5: this.skip(this.uint(2), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
          case 0xc6: this.skip(this.uint(4), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
          case 0xc7: this.ext(this.uint(1)); break;
          case 0xc8: this.ext(this.uint(2)); break;
          case 0xc9: this.ext(this.uint(4)); break;
          case 0xca: case 0xce: case 0xd2: this.need(4); this.pos += 4; break;
          case 0xcb: case 0xcf: case 0xd3: this.need(8); this.pos += 8; break;
          case 0xcc: case 0xd0: this.need(1); this.pos += 1; break;
          case 0xcd: case 0xd1: this.need(2); this.pos += 2; break;
          case 0xd4: this.ext(1); break;
          case 0xd5: this.ext(2); break;
          case 0xd6: this.ext(4); break;
          case 0xd7: this.ext(8); break;
          case 0xd8: this.ext(16); break;
          case 0xd9: this.text(this.uint(1)); break;
          case 0xda: this.text(this.uint(2)); break;
          case 0xdb: this.text(this.uint(4)); break;
          case 0xdc: opened = this.open(this.uint(2), false); break;
          case 0xdd: opened = this.open(this.uint(4), false); break;
          case 0xde: opened = this.open(this.uint(2), true); break;
          case 0xdf: opened = this.open(this.uint(4), true); break;
          default: throw new CodecError('CODEC_ERR_MALFORMED', `invalid type byte 0x${head.toString(16)} at offset ${this.pos - 1}`);
        }
      }
      if (opened > 0) {
        this.remaining[this.depth++] = items;
        items = opened;
      }
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new CodecError('CODEC_ERR_TRUNCATED', `need ${n} bytes at offset ${this.pos}, have ${this.bytes.length - this.pos}`);
    }
  }

  /** Reads a big-endian unsigned integer of `size` bytes (1, 2 or 4). */
  private uint(size: number): number {
    this.need(size);
    const b = this.bytes;
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + b[this.pos++]!;
    return value;
  }

  /** Checks a container header; returns the items it holds (keys and values for a map). */
  private open(count: number, map: boolean): number {
    const limit = map ? this.limits.maxMapLength : this.limits.maxArrayLength;
    if (count > limit) {
      throw new CodecError(map ? 'CODEC_ERR_MAP_TOO_LONG' : 'CODEC_ERR_ARRAY_TOO_LONG', `${count} > ${limit} at offset ${this.pos}`);
    }
    const depth = this.depth + 1;
    if (depth > this.limits.maxDepth) throw new CodecError('CODEC_ERR_TOO_DEEP', `depth ${depth} > ${this.limits.maxDepth} at offset ${this.pos}`);
    if (count > 0) this.isMap[this.depth] = map ? 1 : 0;
    return map ? count * 2 : count;
  }

  private skip(n: number, max: number, code: 'CODEC_ERR_STRING_TOO_LONG' | 'CODEC_ERR_BINARY_TOO_LONG'): void {
    if (n > max) throw new CodecError(code, `${n} > ${max} at offset ${this.pos}`);
    this.need(n);
    this.pos += n;
  }

  /** A string of `n` bytes: within the cap, and UTF-8 the decoder reads without looking past it. */
  private text(n: number): void {
    const start = this.pos;
    this.skip(n, this.limits.maxStringBytes, 'CODEC_ERR_STRING_TOO_LONG');
    if (!isWellFormedUtf8(this.bytes, start, this.pos)) throw new CodecError('CODEC_ERR_MALFORMED', `string of ${n} bytes at offset ${start} is not UTF-8`);
  }

  private ext(n: number): void {
    this.need(1 + n);
    const type = (this.bytes[this.pos]! << 24) >> 24;
    if (type !== TIMESTAMP_EXT || (n !== 4 && n !== 8 && n !== 12)) {
      throw new CodecError('CODEC_ERR_UNSUPPORTED_TYPE', `extension type ${type} of ${n} bytes at offset ${this.pos}`);
    }
    this.pos += 1 + n;
  }

  /** Map keys must be strings or integers, and never a name that reaches a prototype. */
  private checkKey(head: number): void {
    const bytes = this.bytes;
    const pos = this.pos;
    const end = bytes.length;
    let length: number;
    let start: number;
    if (head >= 0xa0 && head <= 0xbf) {
      length = head & 0x1f;
      start = pos + 1;
    } else if (head === 0xd9 || head === 0xda || head === 0xdb) {
      // Any string header may carry a short name: a wide one must not smuggle a forbidden key.
      const size = head === 0xd9 ? 1 : head === 0xda ? 2 : 4;
      if (pos + 1 + size > end) return; // truncated: the walk reports it
      length = 0;
      for (let i = 1; i <= size; i++) length = length * 256 + bytes[pos + i]!;
      start = pos + 1 + size;
    } else if (head <= 0x7f || head >= 0xe0 || (head >= 0xcc && head <= 0xd3)) {
      return; // integers
    } else {
      throw new CodecError('CODEC_ERR_FORBIDDEN_KEY', `map key of type 0x${head.toString(16)} at offset ${pos}`);
    }
    const forbidden = length === PROTO.length ? PROTO : length === CONSTRUCTOR.length ? CONSTRUCTOR : undefined;
    if (forbidden && start + length <= end && sameBytes(forbidden, bytes, start)) {
      throw new CodecError('CODEC_ERR_FORBIDDEN_KEY', `"${new TextDecoder().decode(forbidden)}" at offset ${pos}`);
    }
  }
}

/** Whether `bytes` holds `expected` at `at`. */
function sameBytes(expected: Uint8Array, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

const EMPTY = new Uint8Array(0);

/** Checks one value with a fresh checker; see {@link MsgpackChecker.check}. */
export function checkMsgpack(bytes: Uint8Array, limits: CodecLimits): void {
  new MsgpackChecker(limits).check(bytes);
}
