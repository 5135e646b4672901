/**
 * Fuzz target: compressed payloads (compression.ts, the gate's compression-zlib.ts and the
 * client's compression-js.ts) under a random cap. Honest payloads inflate to themselves within
 * the cap and are refused past it; a 4 MiB bomb declared at any length, lying payloads, damaged
 * and random bytes are refused with the two decompression codes, never inflated past the cap;
 * whatever the strict gate side accepts, the client side inflates to the same bytes.
 */
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { applyTamper, tamper } from '../testing/fuzz/byte-arbitraries.js';
import { defineFuzzTarget } from '../testing/fuzz/fuzz-target.js';
import { withLengthHeader } from './compression.js';
import { JsDeflateCompression } from './compression-js.js';
import { ZlibDeflateCompression } from './compression-zlib.js';
import { ProtocolError } from './errors.js';
import { readVarint } from './varint.js';

const BOMB_BYTES = 4 * 2 ** 20;
const BOMB = deflateRawSync(new Uint8Array(BOMB_BYTES), { level: 9 });
const zlib = new ZlibDeflateCompression();
const js = new JsDeflateCompression();

const form = fc.oneof(
  fc.record({ kind: fc.constant('honest' as const) }),
  fc.record({ kind: fc.constant('lie' as const), declared: fc.oneof(fc.nat(70_000), fc.integer({ min: 0, max: 0xffff_ffff })) }),
  fc.record({ kind: fc.constant('bomb' as const), declared: fc.oneof(fc.nat(70_000), fc.constant(BOMB_BYTES)) }),
  fc.record({ kind: fc.constant('tamper' as const), tamper }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 100 }) }),
);

type Outcome = { bytes: Uint8Array } | { refused: ProtocolError['code'] };

function inflate(decompress: () => Uint8Array): Outcome {
  try {
    return { bytes: decompress() };
  } catch (err) {
    if (err instanceof ProtocolError && (err.code === 'PROTOCOL_ERR_DECOMPRESS' || err.code === 'PROTOCOL_ERR_INFLATED_TOO_LARGE')) return { refused: err.code };
    throw err;
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const show = (o: Outcome): string => ('bytes' in o ? `${o.bytes.length} bytes` : o.refused);

export const compressionTarget = defineFuzzTarget({
  name: 'protocol.compression',
  description: 'deflate-raw payloads with a length header: bombs, lies, damage; gate (zlib) and client (fflate) decoders',
  arbitrary: fc.record({
    payload: fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.nat(200_000).map((n) => new Uint8Array(n))),
    cap: fc.nat(70_000),
    form,
  }),
  check({ payload, cap, form: f }) {
    const honest = zlib.compress(payload);
    const body = honest.subarray(readVarint(honest, 0)!.next);
    const input =
      f.kind === 'honest' ? honest : f.kind === 'lie' ? withLengthHeader(f.declared, body) : f.kind === 'bomb' ? withLengthHeader(f.declared, BOMB) : f.kind === 'tamper' ? applyTamper(honest, f.tamper) : f.bytes;
    const gate = inflate(() => zlib.decompress(input, cap));
    const client = inflate(() => js.decompress(input, cap));
    for (const o of [gate, client]) if ('bytes' in o && o.bytes.length > cap) throw new Error(`inflated ${o.bytes.length} bytes past the cap of ${cap}`);
    if (f.kind === 'honest') {
      const expected = payload.length <= cap ? hex(payload) : 'PROTOCOL_ERR_INFLATED_TOO_LARGE';
      for (const o of [gate, client]) if (('bytes' in o ? hex(o.bytes) : o.refused) !== expected) throw new Error(`an honest payload of ${payload.length} bytes under a cap of ${cap}: ${show(o)}`);
    }
    if (f.kind === 'bomb' && ('bytes' in gate || 'bytes' in client)) throw new Error(`a bomb declared at ${f.declared} inflated (gate ${show(gate)}, client ${show(client)})`);
    if ('bytes' in gate && !('bytes' in client && hex(client.bytes) === hex(gate.bytes))) throw new Error(`the gate inflated ${show(gate)}, the client ${show(client)}`);
  },
});
