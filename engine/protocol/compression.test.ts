import { deflateRawSync } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { COMPRESSION, DEFAULT_COMPRESS_THRESHOLD, maybeCompress, withLengthHeader, type Compression } from './compression.js';
import { createJsCompression, JsDeflateCompression } from './compression-js.js';
import { createCompression, ZlibDeflateCompression } from './compression-zlib.js';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';

const MAX = 64 * 1024;

/** The published test vector of `deflate-raw` (docs: a client in any language must decode it). */
const VECTOR = {
  // msgpack of { t: 'chat', from: 'Aria', text: 'gg gg gg gg gg gg gg gg' }
  input: '83a174a463686174a466726f6da441726961a474657874b76767206767206767206767206767206767206767206767',
  // 0x2f = 47, the uncompressed length as a varint, then raw DEFLATE
  compressed: '2f6b5e58b2243923b164495a517eee12c7a2ccc42525a91525dbd3d315b02100',
};

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
/** The same bytes as a plain Uint8Array: node:zlib returns Buffers, which toEqual tells apart. */
const plain = (u: Uint8Array): Uint8Array => new Uint8Array(u.buffer, u.byteOffset, u.byteLength);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Game payloads like the benchmark's, small enough to keep the test quick. */
function payloads(): Record<string, Uint8Array> {
  const rnd = prng(7);
  const entities = Array.from({ length: 40 }, (_, i) => ({
    id: 10_000 + i,
    kind: ['player', 'goblin', 'wolf'][i % 3],
    pos: [rnd() * 2048, rnd() * 64, rnd() * 2048],
    state: rnd() < 0.5 ? 'walk' : 'idle',
    hp: Math.round(rnd() * 100),
  }));
  const slots = Array.from({ length: 60 }, (_, i) => ({ slot: i, item: ['iron_sword', 'health_potion', 'arrow'][i % 3], qty: 1 + (i % 20), bound: i % 4 === 0 }));
  return {
    snapshot: encode({ t: 'snapshot', tick: 81_234, entities }),
    chat: encode({ id: 550_001, channel: 'party', from: { uid: 'u_3k9x2a', name: 'Aria' }, text: 'need a healer for the castle raid, north gate, ready now', at: 1_763_000_000_000 }),
    inventory: encode({ t: 'inventory', owner: 'u_3k9x2a', gold: 123_456, slots }),
    random: encode({ t: 'blob', data: Uint8Array.from({ length: 4096 }, () => Math.floor(rnd() * 256)) }),
    'one-byte': Uint8Array.of(0xc0),
    empty: new Uint8Array(0),
    '64 KiB (the cap)': Uint8Array.from({ length: MAX }, (_, i) => (i * 31) % 251),
  };
}

/** Runs `fn`, expecting a ProtocolError with `code`; returns it for further checks. */
function protocolError(code: ProtocolErrorCode, fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe(code);
    return err as ProtocolError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const IMPLEMENTATIONS: [string, () => Compression][] = [
  ['ZlibDeflateCompression (node:zlib)', () => new ZlibDeflateCompression()],
  ['JsDeflateCompression (fflate)', () => new JsDeflateCompression()],
];

describe.each(IMPLEMENTATIONS)('%s', (_name, make) => {
  const c = make();

  it('is named deflate-raw, the name a server hello carries', () => {
    expect(c.name).toBe(COMPRESSION.DEFLATE_RAW);
  });

  it.each(Object.entries(payloads()))('round-trips the %s payload', (_kind, payload) => {
    expect(plain(c.decompress(c.compress(payload), MAX))).toEqual(payload);
  });

  it('starts its output with the uncompressed length as a varint', () => {
    const payload = payloads().inventory!;
    const out = c.compress(payload);
    expect(out[0]).toBe((payload.length & 0x7f) | 0x80);
    expect(out[1]).toBe(payload.length >>> 7);
  });

  it('decodes the published test vector', () => {
    expect(Buffer.from(c.decompress(hex(VECTOR.compressed), MAX)).toString('hex')).toBe(VECTOR.input);
  });

  it('accepts a payload that inflates to exactly the cap', () => {
    const payload = new Uint8Array(1000).fill(1);
    expect(plain(c.decompress(c.compress(payload), 1000))).toEqual(payload);
  });

  it('rejects a decompression bomb from its length header, before inflating anything', () => {
    const bomb = c.compress(new Uint8Array(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX); // small enough to arrive in one message
    const err = protocolError('PROTOCOL_ERR_INFLATED_TOO_LARGE', () => c.decompress(bomb, MAX));
    expect(err.detail).toBe(`declares ${10 * 1024 * 1024} bytes > ${MAX}`);
    expect(err.wireCode).toBe(4009);
  });

  it('rejects a payload one byte over the cap', () => {
    protocolError('PROTOCOL_ERR_INFLATED_TOO_LARGE', () => c.decompress(c.compress(new Uint8Array(1001)), 1000));
  });

  it('stops a bomb that declares a small length at that length', () => {
    const lying = withLengthHeader(100, deflateRawSync(new Uint8Array(10 * 1024 * 1024)));
    const err = protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(lying, MAX));
    expect(err.detail).toBe('inflates past its declared 100 bytes');
  });

  it('rejects a stream that inflates to less than it declares', () => {
    const short = withLengthHeader(50, deflateRawSync(new Uint8Array(49)));
    expect(protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(short, MAX)).detail).toBe('inflates to 49 bytes, declared 50');
  });

  it('rejects a stored (uncompressed) block longer than it declares', () => {
    const stored = withLengthHeader(10, deflateRawSync(new Uint8Array(500).fill(7), { level: 0 }));
    protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(stored, MAX));
  });

  it('rejects corrupt DEFLATE data', () => {
    const err = protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(withLengthHeader(10, Uint8Array.of(0xff, 0xff, 0xff, 0xff)), MAX));
    expect(err.wireCode).toBe(4008);
  });

  it('rejects a payload truncated anywhere', () => {
    const whole = c.compress(payloads().snapshot!);
    for (let cut = 0; cut < whole.length; cut++) {
      protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(whole.subarray(0, cut), MAX));
    }
  });

  it('rejects an empty input, which is not even a length header', () => {
    expect(protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(new Uint8Array(0), MAX)).detail).toBe('empty compressed payload');
  });

  it('rejects a length header with no DEFLATE stream after it', () => {
    protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(Uint8Array.of(0), MAX));
  });

  it('rejects a malformed length header', () => {
    protocolError('PROTOCOL_ERR_DECOMPRESS', () => c.decompress(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), MAX));
  });

  it('throws a RangeError for a cap that is not a non-negative integer', () => {
    const ok = c.compress(Uint8Array.of(1, 2, 3));
    expect(() => c.decompress(ok, -1)).toThrow(RangeError);
    expect(() => c.decompress(ok, Number.NaN)).toThrow(RangeError);
  });
});

describe('the two implementations', () => {
  const node = new ZlibDeflateCompression();
  const js = new JsDeflateCompression();

  it.each(Object.entries(payloads()))('each decodes the other’s %s payload', (_kind, payload) => {
    expect(plain(js.decompress(node.compress(payload), MAX))).toEqual(payload);
    expect(plain(node.decompress(js.compress(payload), MAX))).toEqual(payload);
  });

  it('are both built by their factory from the name a server hello carries', () => {
    expect(createCompression('deflate-raw')).toBeInstanceOf(ZlibDeflateCompression);
    expect(createJsCompression('deflate-raw')).toBeInstanceOf(JsDeflateCompression);
    expect(() => createCompression('lz4')).toThrow(RangeError);
    expect(() => createJsCompression('lz4')).toThrow(RangeError);
  });

  it('differ in one way: only the gate’s rejects bytes after the end of the DEFLATE stream', () => {
    const payload = payloads().chat!;
    const trailing = Uint8Array.from([...node.compress(payload), 0x00]);
    expect(protocolError('PROTOCOL_ERR_DECOMPRESS', () => node.decompress(trailing, MAX)).detail).toBe('1 bytes after the end of the DEFLATE stream');
    expect(plain(js.decompress(trailing, MAX))).toEqual(payload);
  });
});

describe('ZlibDeflateCompression', () => {
  it('compresses at level 1 unless told otherwise', () => {
    const payload = payloads().inventory!;
    expect(new ZlibDeflateCompression().compress(payload)).toEqual(withLengthHeader(payload.length, deflateRawSync(payload, { level: 1 })));
    expect(new ZlibDeflateCompression({ level: 9 }).compress(payload)).toEqual(withLengthHeader(payload.length, deflateRawSync(payload, { level: 9 })));
  });

  it('throws a RangeError for a level outside 1..9', () => {
    expect(() => new ZlibDeflateCompression({ level: 0 })).toThrow(RangeError);
    expect(() => new ZlibDeflateCompression({ level: 10 })).toThrow(RangeError);
  });
});

describe('maybeCompress', () => {
  const c = new ZlibDeflateCompression();
  const { inventory, random } = payloads() as Record<'inventory' | 'random', Uint8Array>;

  it('leaves a payload below the threshold alone', () => {
    expect(maybeCompress(c, inventory, inventory.length + 1)).toBeUndefined();
  });

  it('compresses a payload of exactly the threshold when that makes it smaller', () => {
    const out = maybeCompress(c, inventory, inventory.length);
    expect(out).toBeDefined();
    expect(out!.length).toBeLessThan(inventory.length);
    expect(plain(c.decompress(out!, MAX))).toEqual(inventory);
  });

  it('leaves an incompressible payload alone, since compressing would make it larger', () => {
    expect(maybeCompress(c, random, 0)).toBeUndefined();
  });

  it('leaves an empty payload alone even with a threshold of 0', () => {
    expect(maybeCompress(c, new Uint8Array(0), 0)).toBeUndefined();
  });

  it('has a default threshold of 1 KiB', () => {
    expect(DEFAULT_COMPRESS_THRESHOLD).toBe(1024);
  });
});
