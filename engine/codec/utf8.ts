/**
 * UTF-8 for strings written by hand into buffers (the RPC envelope's header strings and msgpack
 * strings): a byte count, an encoder and a decoder. A lone surrogate travels as its 3-byte form,
 * as the msgpack library writes it, so that every JavaScript string survives a round trip.
 * Short strings are done in JavaScript (a native call costs more than the loop); long well-formed
 * ones are written and read by the platform's TextEncoder and TextDecoder. No Node API: the
 * browser SDK's codec writes through this too.
 */

// Past this many UTF-16 units the platform's UTF-8 code is faster than the loops below.
const NATIVE_FROM = 200;
const SURROGATE = /[\uD800-\uDFFF]/;
const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8Length(text: string): number {
  const length = text.length;
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Writes `text`, `bytes` long as {@link utf8Length} counted it, into `buf` at `at`. */
export function writeUtf8(buf: Uint8Array, at: number, text: string, bytes: number): void {
  const length = text.length;
  if (bytes === length) {
    for (let i = 0; i < length; i++) buf[at + i] = text.charCodeAt(i);
    return;
  }
  // TextEncoder writes a lone surrogate as U+FFFD: only strings without surrogates go to it.
  if (length > NATIVE_FROM && !SURROGATE.test(text)) {
    encoder.encodeInto(text, buf.subarray(at, at + bytes));
    return;
  }
  let pos = at;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      buf[pos++] = code;
      continue;
    }
    if (code < 0x800) {
      buf[pos++] = 0xc0 | (code >> 6);
    } else {
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
        const low = text.charCodeAt(i + 1);
        if ((low & 0xfc00) === 0xdc00) {
          i++;
          code = ((code - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          buf[pos++] = 0xf0 | (code >> 18);
          buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
          buf[pos++] = 0x80 | (code & 0x3f);
          continue;
        }
      }
      buf[pos++] = 0xe0 | (code >> 12);
      buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
    }
    buf[pos++] = 0x80 | (code & 0x3f);
  }
}

// A leading U+FEFF is part of the string, not a byte order mark to drop.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Reads `bytes[start..end)` as a string. The bytes must be well formed (well-formed-utf8.ts),
 * lone surrogates in their 3-byte form included.
 */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > NATIVE_FROM) {
    const view = bytes.subarray(start, end);
    // TextDecoder would turn a lone surrogate's 3-byte form into U+FFFD: only the loop keeps it.
    if (!hasSurrogateForm(view)) return decoder.decode(view);
  }
  let text = '';
  let at = start;
  while (at < end) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      text += String.fromCharCode(lead);
      at += 1;
    } else if (lead < 0xe0) {
      text += String.fromCharCode(((lead & 0x1f) << 6) | (bytes[at + 1]! & 0x3f));
      at += 2;
    } else if (lead < 0xf0) {
      text += String.fromCharCode(((lead & 0x0f) << 12) | ((bytes[at + 1]! & 0x3f) << 6) | (bytes[at + 2]! & 0x3f));
      at += 3;
    } else {
      text += String.fromCodePoint(((lead & 0x07) << 18) | ((bytes[at + 1]! & 0x3f) << 12) | ((bytes[at + 2]! & 0x3f) << 6) | (bytes[at + 3]! & 0x3f));
      at += 4;
    }
  }
  return text;
}

function hasSurrogateForm(bytes: Uint8Array): boolean {
  for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xed && bytes[i + 1]! >= 0xa0) return true;
  return false;
}
