/** Byte helpers that work without Node's Buffer, so the protocol runs in browsers too. */

const utf8 = new TextEncoder();

/** Arrays up to this size are cut from a shared slab ({@link allocBytes}). */
const SLAB_MAX_BYTES = 1024;
const SLAB_BYTES = 8 * SLAB_MAX_BYTES;

// Outgoing packets come from shared slabs, as Node's Buffer pool does: one backing store per
// 8 KiB instead of one per packet (each is memory outside the heap that the collector tracks). A
// slab is never reused, only replaced when full: it lives while any packet cut from it is
// referenced (in a socket's queue at most), so slabs are small.
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * A new zeroed array of `size` bytes for an outgoing packet: small ones are views of a shared
 * slab, each range handed out once, larger ones arrays of their own. The caller must not rely on
 * `.buffer` holding only its bytes.
 */
export function allocBytes(size: number): Uint8Array {
  if (size > SLAB_MAX_BYTES) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const bytes = slab.subarray(slabUsed, slabUsed + size);
  // 8-byte aligned, so that a reader may view a packet as wider words.
  slabUsed += (size + 7) & ~7;
  return bytes;
}

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
