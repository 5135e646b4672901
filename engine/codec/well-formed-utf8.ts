/**
 * Whether a msgpack string's bytes are UTF-8 the decoder can read without looking past them. The
 * msgpack decoder's own UTF-8 reader takes a lead byte's word for how many bytes follow, so a
 * string ending in a cut sequence (`a1 f1`) read the bytes after the string, or past the end, into
 * a character. Accepted: what the msgpack encoder writes, which is UTF-8 except that a lone
 * surrogate of a JavaScript string travels as its 3-byte form (ED A0..BF xx), as it always has.
 * Refused: a stray continuation byte, a sequence cut short, an overlong form, a code point past U+10FFFF.
 */

/**
 * Checks `bytes[start..end)`.
 * @returns true when every sequence is complete and well formed (surrogates allowed, see above).
 */
export function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at < end) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at++;
      continue;
    }
    // Continuation bytes after the lead, and the range of the first of them (which rules out
    // overlong forms and code points past U+10FFFF).
    let follow: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) follow = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      follow = 2;
      if (lead === 0xe0) low = 0xa0;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      follow = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return false;
    if (at + follow >= end) return false;
    const first = bytes[at + 1]!;
    if (first < low || first > high) return false;
    for (let i = 2; i <= follow; i++) if ((bytes[at + i]! & 0xc0) !== 0x80) return false;
    at += 1 + follow;
  }
  return true;
}
