/**
 * Inputs most byte decoders need: random bytes, valid encodings mutated (bytes overwritten),
 * truncated and extended, and a byte stream cut into chunks at random places (a stream decoder
 * must give the same result for any cut).
 */
import fc, { type Arbitrary } from 'fast-check';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Random bytes, and `valid` encodings as they are, with bytes overwritten, cut short and with
 * random bytes after them.
 * @param maxRandomBytes longest all-random input (default 256).
 */
export function mutatedBytes(valid: Arbitrary<Uint8Array>, maxRandomBytes = 256): Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: maxRandomBytes }),
    valid,
    fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 })).map(([bytes, writes]) => {
      const out = bytes.slice();
      for (const [at, value] of writes) if (out.length > 0) out[at % out.length] = value;
      return out;
    }),
    fc.tuple(valid, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length)),
    fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([bytes, tail]) => concat(bytes, tail)),
  );
}

/** How to damage a valid encoding: bytes to overwrite (index modulo its length), where to cut it, what to add after it. */
export interface Tamper {
  writes: [number, number][];
  cut: number | null;
  tail: Uint8Array;
}

/** Random {@link Tamper}s, to apply with {@link applyTamper} where the valid encoding is built in the check. */
export const tamper: Arbitrary<Tamper> = fc.record({
  writes: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
  cut: fc.option(fc.nat()),
  tail: fc.uint8Array({ maxLength: 8 }),
});

/** A copy of `bytes` damaged as `t` says. */
export function applyTamper(bytes: Uint8Array, t: Tamper): Uint8Array {
  let out = bytes.slice();
  for (const [at, value] of t.writes) if (out.length > 0) out[at % out.length] = value;
  if (t.cut !== null) out = out.subarray(0, t.cut % (out.length + 1));
  return concat(out, t.tail);
}

/** `bytes` cut into consecutive chunks (some empty) at up to `maxCuts` random places. */
export function chunked(bytes: Arbitrary<Uint8Array>, maxCuts = 8): Arbitrary<Uint8Array[]> {
  return fc.tuple(bytes, fc.array(fc.nat(), { maxLength: maxCuts })).map(([whole, cuts]) => {
    const at = cuts.map((c) => (whole.length === 0 ? 0 : c % (whole.length + 1))).sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let from = 0;
    for (const to of [...at, whole.length]) {
      chunks.push(whole.subarray(from, to));
      from = to;
    }
    return chunks;
  });
}

/** The chunks joined back into one array. */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.reduce(concat, new Uint8Array(0));
}
