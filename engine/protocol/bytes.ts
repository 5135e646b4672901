/** Byte helpers that work without Node's Buffer, so the protocol runs in browsers too. */

const utf8 = new TextEncoder();

/** The bytes of `parts` one after another. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The UTF-8 bytes of `text`. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/**
 * The bytes of standard base64 (padding optional).
 * @throws Error for characters outside the alphabet.
 */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
