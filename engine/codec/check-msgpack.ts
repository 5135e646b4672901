/**
 * Walks one msgpack value without building it and throws a {@link CodecError} at the first byte
 * that breaks a limit: a container header deeper or longer than allowed, a string or binary
 * length over its cap, a forbidden map key, an unsupported type, or missing or trailing bytes.
 * Running this before the decoder means a hostile frame costs a scan, never the allocation of a
 * million nested arrays.
 */
import { CodecError } from './errors.js';
import type { CodecLimits } from './limits.js';

// Map keys that would reach an object's prototype once decoded into a plain object.
const PROTO = Buffer.from('__proto__');
const CONSTRUCTOR = Buffer.from('constructor');
const TIMESTAMP_EXT = -1;

/**
 * Checks that `bytes` hold exactly one msgpack value within `limits`.
 * @throws CodecError (`CODEC_ERR_TRUNCATED`, `CODEC_ERR_MALFORMED`, `CODEC_ERR_TOO_DEEP`,
 *   `CODEC_ERR_*_TOO_LONG`, `CODEC_ERR_FORBIDDEN_KEY`, `CODEC_ERR_UNSUPPORTED_TYPE`).
 */
export function checkMsgpack(bytes: Uint8Array, limits: CodecLimits): void {
  const end = bytes.length;
  // Per open container: items still to read, and whether it is a map (its even counts are keys).
  const remaining: number[] = [];
  const isMap: boolean[] = [];
  let depth = 0;
  let pos = 0;
  let items = 1;

  const need = (n: number): void => {
    if (pos + n > end) throw new CodecError('CODEC_ERR_TRUNCATED', `need ${n} bytes at offset ${pos}, have ${end - pos}`);
  };
  const u8 = (): number => bytes[pos++]!;
  const u16 = (): number => (bytes[pos++]! << 8) | bytes[pos++]!;
  const u32 = (): number => ((bytes[pos++]! << 24) >>> 0) + ((bytes[pos++]! << 16) | (bytes[pos++]! << 8) | bytes[pos++]!);
  const open = (count: number, map: boolean): void => {
    const limit = map ? limits.maxMapLength : limits.maxArrayLength;
    if (count > limit) {
      throw new CodecError(map ? 'CODEC_ERR_MAP_TOO_LONG' : 'CODEC_ERR_ARRAY_TOO_LONG', `${count} > ${limit} at offset ${pos}`);
    }
    if (depth + 1 > limits.maxDepth) throw new CodecError('CODEC_ERR_TOO_DEEP', `depth ${depth + 1} > ${limits.maxDepth} at offset ${pos}`);
    if (count === 0) return;
    remaining.push(items);
    isMap.push(map);
    depth++;
    items = map ? count * 2 : count;
  };
  const skip = (n: number, max: number, code: 'CODEC_ERR_STRING_TOO_LONG' | 'CODEC_ERR_BINARY_TOO_LONG'): void => {
    if (n > max) throw new CodecError(code, `${n} > ${max} at offset ${pos}`);
    need(n);
    pos += n;
  };
  const ext = (n: number): void => {
    need(1 + n);
    const type = (bytes[pos]! << 24) >> 24;
    if (type !== TIMESTAMP_EXT || (n !== 4 && n !== 8 && n !== 12)) {
      throw new CodecError('CODEC_ERR_UNSUPPORTED_TYPE', `extension type ${type} of ${n} bytes at offset ${pos}`);
    }
    pos += 1 + n;
  };
  const checkKey = (head: number): void => {
    let length: number;
    let start: number;
    if (head >= 0xa0 && head <= 0xbf) {
      length = head & 0x1f;
      start = pos + 1;
    } else if (head === 0xd9 && pos + 1 < end) {
      length = bytes[pos + 1]!;
      start = pos + 2;
    } else if (head <= 0x7f || head >= 0xe0 || (head >= 0xcc && head <= 0xd3) || head === 0xd9 || head === 0xda || head === 0xdb) {
      return; // numbers, and strings too long to be a forbidden name
    } else {
      throw new CodecError('CODEC_ERR_FORBIDDEN_KEY', `map key of type 0x${head.toString(16)} at offset ${pos}`);
    }
    const forbidden = length === PROTO.length ? PROTO : length === CONSTRUCTOR.length ? CONSTRUCTOR : undefined;
    if (forbidden && start + length <= end && forbidden.equals(bytes.subarray(start, start + length))) {
      throw new CodecError('CODEC_ERR_FORBIDDEN_KEY', `"${forbidden.toString()}" at offset ${pos}`);
    }
  };

  while (true) {
    while (items === 0) {
      if (depth === 0) {
        if (pos !== end) throw new CodecError('CODEC_ERR_MALFORMED', `${end - pos} trailing bytes at offset ${pos}`);
        return;
      }
      depth--;
      items = remaining.pop()!;
      isMap.pop();
    }
    need(1);
    if (depth > 0 && isMap[depth - 1] && items % 2 === 0) checkKey(bytes[pos]!);
    items--;
    const head = u8();
    if (head <= 0x7f || head >= 0xe0) continue;
    if (head <= 0x8f) open(head & 0x0f, true);
    else if (head <= 0x9f) open(head & 0x0f, false);
    else if (head <= 0xbf) skip(head & 0x1f, limits.maxStringBytes, 'CODEC_ERR_STRING_TOO_LONG');
    else {
      switch (head) {
        case 0xc0: case 0xc2: case 0xc3: break;
        case 0xc4: need(1); skip(u8(), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
        case 0xc5: need(2); skip(u16(), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
        case 0xc6: need(4); skip(u32(), limits.maxBinaryBytes, 'CODEC_ERR_BINARY_TOO_LONG'); break;
        case 0xc7: need(1); ext(u8()); break;
        case 0xc8: need(2); ext(u16()); break;
        case 0xc9: need(4); ext(u32()); break;
        case 0xca: need(4); pos += 4; break;
        case 0xcb: need(8); pos += 8; break;
        case 0xcc: case 0xd0: need(1); pos += 1; break;
        case 0xcd: case 0xd1: need(2); pos += 2; break;
        case 0xce: case 0xd2: need(4); pos += 4; break;
        case 0xcf: case 0xd3: need(8); pos += 8; break;
        case 0xd4: ext(1); break;
        case 0xd5: ext(2); break;
        case 0xd6: ext(4); break;
        case 0xd7: ext(8); break;
        case 0xd8: ext(16); break;
        case 0xd9: need(1); skip(u8(), limits.maxStringBytes, 'CODEC_ERR_STRING_TOO_LONG'); break;
        case 0xda: need(2); skip(u16(), limits.maxStringBytes, 'CODEC_ERR_STRING_TOO_LONG'); break;
        case 0xdb: need(4); skip(u32(), limits.maxStringBytes, 'CODEC_ERR_STRING_TOO_LONG'); break;
        case 0xdc: need(2); open(u16(), false); break;
        case 0xdd: need(4); open(u32(), false); break;
        case 0xde: need(2); open(u16(), true); break;
        case 0xdf: need(4); open(u32(), true); break;
        default: throw new CodecError('CODEC_ERR_MALFORMED', `invalid type byte 0x${head.toString(16)} at offset ${pos - 1}`);
      }
    }
  }
}
