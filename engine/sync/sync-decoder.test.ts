import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';
import { SYNC_ERRORS, SyncError, type SyncErrorCode } from './errors.js';
import { World } from '../ecs/world.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Banner, Hero, Mob, Position, syncRegistry, Tag } from './fixtures/sync-entities.js';
import { SpaceSync } from './space-sync.js';
import { SyncDecoder } from './sync-decoder.js';
import { encodeSnapshotHead, writeMessageStart } from './sync-encoder.js';
import { SyncSchema } from './sync-schema.js';
import { SYNC_FLAG } from './sync-wire.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** A message built by hand: start, optional snapshot head, then whatever `body` writes. */
function message(flags: number, body: (w: ByteWriter) => void = () => {}, schema?: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  writeMessageStart(w, 1, flags);
  if (flags & SYNC_FLAG.SNAPSHOT) encodeSnapshotHead(w, { id: 's', type: 't', tickHz: 20 }, schema ?? new SyncSchema(syncRegistry()).bytes);
  body(w);
  return w.toBytes();
}

/** A one-type schema with one field of the given name and kind byte (and quantize). */
function schemaWith(field: string, kind: number, quantize?: number, extra: (w: ByteWriter) => void = () => {}): Uint8Array {
  const w = new ByteWriter();
  w.varint(1);
  w.string('T');
  w.varint(1);
  w.string('C');
  w.varint(1);
  w.string(field);
  w.u8(kind);
  if (quantize !== undefined) w.f64(quantize);
  extra(w);
  return w.toBytes();
}

// A Banner of the fixtures (type 2: Score { red, blue }, both plain) entering as net 1.
const bannerEnter = (w: ByteWriter, net = 1, values: (w: ByteWriter) => void = (v) => (v.u8(0x01), v.u8(3), v.u8(2))): void => {
  w.varint(net);
  w.varint(2);
  w.string('b');
  values(w);
};

function expectCode(code: SyncErrorCode, run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, code).toBeInstanceOf(SyncError);
  expect((thrown as SyncError).code).toBe(code);
  expect((thrown as SyncError).message.startsWith(`${code}: ${SYNC_ERRORS[code].message}: `)).toBe(true);
}

describe('SyncDecoder errors', () => {
  // Keys quoted: each is the code the case makes the decoder raise (engine/errors/every-code-raised.test.ts).
  const cases: Record<SyncErrorCode, () => unknown> = {
    'SYNC_ERR_TRUNCATED': () => new SyncDecoder().decode(hex('01')),
    'SYNC_ERR_TOO_LARGE': () => new SyncDecoder({ maxMessageBytes: 2 }).decode(hex('010000')),
    'SYNC_ERR_VERSION': () => new SyncDecoder().decode(hex('020000')),
    'SYNC_ERR_BAD_FLAGS': () => new SyncDecoder().decode(hex('011000')),
    'SYNC_ERR_BAD_VARINT': () => new SyncDecoder().decode(hex('0100 ffffffffffffffff01')),
    'SYNC_ERR_NO_SCHEMA': () => new SyncDecoder().decode(hex('010000')),
    'SYNC_ERR_BAD_SCHEMA': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT, () => {}, schemaWith('x', 9))),
    'SYNC_ERR_UNKNOWN_TYPE': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), w.varint(1), w.varint(9), w.string('x'), w.u8(0)))),
    'SYNC_ERR_UNKNOWN_NET': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.LEAVE, (w) => (w.varint(1), w.varint(9)))),
    'SYNC_ERR_DUPLICATE_NET': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(2), bannerEnter(w), bannerEnter(w)))),
    'SYNC_ERR_BAD_MASK': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), bannerEnter(w, 1, (v) => v.u8(0x04))))),
    'SYNC_ERR_BAD_VALUE': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), bannerEnter(w, 1, (v) => (v.u8(0x01), v.u8(9)))))),
    'SYNC_ERR_TOO_DEEP': () =>
      new SyncDecoder().decode(
        message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), bannerEnter(w, 1, (v) => {
          v.u8(0x01);
          for (let i = 0; i < 40; i++) (v.u8(6), v.varint(1));
          v.u8(0);
        }))),
      ),
    'SYNC_ERR_TOO_MANY_ENTITIES': () => new SyncDecoder({ maxEntities: 1 }).decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(2), bannerEnter(w, 1), bannerEnter(w, 2)))),
    'SYNC_ERR_TRAILING': () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT, (w) => w.u8(0))),
  };
  for (const [code, run] of Object.entries(cases) as [SyncErrorCode, () => unknown][]) {
    it(`throws ${code}`, () => expectCode(code, run));
  }

  it('has a case above for every code of the catalogue', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(SYNC_ERRORS).sort());
  });

  it('refuses varints above 2^53 (integers too), text that is not UTF-8 and forbidden keys', () => {
    expectCode('SYNC_ERR_BAD_VARINT', () => new SyncDecoder().decode(hex('0100 ffffffffffffff7f')));
    const banner = (value: (w: ByteWriter) => void) => () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), bannerEnter(w, 1, (v) => (v.u8(0x01), value(v))))));
    expectCode('SYNC_ERR_BAD_VARINT', banner((v) => (v.u8(3), v.varint(2 ** 53 + 2))));
    expectCode('SYNC_ERR_BAD_VALUE', banner((v) => (v.u8(5), v.varint(2), v.u8(0xc3), v.u8(0x28))));
    expectCode('SYNC_ERR_BAD_VALUE', banner((v) => (v.u8(7), v.varint(1), v.string('__proto__'), v.u8(0))));
    expectCode('SYNC_ERR_TRUNCATED', banner((v) => (v.u8(6), v.varint(1_000_000))));
  });

  it('refuses schemas with forbidden or repeated names, bad steps, unknown kinds or empty types', () => {
    const snapshot = (schema: Uint8Array) => () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT, () => {}, schema));
    expectCode('SYNC_ERR_BAD_SCHEMA', snapshot(schemaWith('__proto__', 0)));
    expectCode('SYNC_ERR_BAD_SCHEMA', snapshot(schemaWith('x', 1, 0)));
    expectCode('SYNC_ERR_BAD_SCHEMA', snapshot(schemaWith('x', 1, NaN)));
    const twice = new ByteWriter();
    twice.varint(1);
    twice.string('T');
    twice.varint(1);
    twice.string('C');
    twice.varint(2);
    for (let i = 0; i < 2; i++) (twice.string('x'), twice.u8(0));
    expectCode('SYNC_ERR_BAD_SCHEMA', snapshot(twice.toBytes()));
    const empty = new ByteWriter();
    empty.varint(1);
    empty.string('T');
    empty.varint(0);
    expectCode('SYNC_ERR_BAD_SCHEMA', snapshot(empty.toBytes()));
    expect(new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT, () => {}, schemaWith('x', 1 | 0x80, 0.5))).snapshot).toBe(true);
  });

  it('forgets the stream after an error and takes only a snapshot next', () => {
    const decoder = new SyncDecoder();
    decoder.decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => (w.varint(1), bannerEnter(w))));
    expect(decoder.entityCount).toBe(1);
    expectCode('SYNC_ERR_VERSION', () => decoder.decode(hex('090000')));
    expect(decoder.entityCount).toBe(0);
    expectCode('SYNC_ERR_NO_SCHEMA', () => decoder.decode(hex('010000')));
    expect(decoder.decode(message(SYNC_FLAG.SNAPSHOT)).snapshot).toBe(true);
  });

  it('checks a declared count against the bytes left before allocating for it', () => {
    expectCode('SYNC_ERR_TRUNCATED', () => new SyncDecoder().decode(message(SYNC_FLAG.SNAPSHOT | SYNC_FLAG.ENTER, (w) => w.varint(2 ** 40))));
  });
});

describe('SyncDecoder in browsers', () => {
  it('imports nothing Node-only, directly or through its imports', () => {
    const seen = new Set<string>();
    const visit = (url: URL): void => {
      if (seen.has(url.href)) return;
      seen.add(url.href);
      const source = readFileSync(url, 'utf8');
      expect(source, url.pathname).not.toMatch(/from 'node:|require\(|\bBuffer\b|\bprocess\./);
      for (const m of source.matchAll(/^import (?!type )[^;]*? from '(\.[^']+)\.js';/gm)) visit(new URL(`${m[1]}.ts`, url));
    };
    visit(new URL('./sync-decoder.ts', import.meta.url));
    expect(seen.size).toBeGreaterThan(4);
  });
});

describe('SyncDecoder on damaged bytes', () => {
  it('either decodes or throws a SyncError, whatever bytes are flipped, cut or added', () => {
    const registry = syncRegistry();
    const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry });
    const sync = new SpaceSync({ world, schema: new SyncSchema(registry), space: { id: 's', type: 't', tickHz: 20 }, interest: Position });
    const entities = [world.spawn(Mob), world.spawn(Hero), world.spawn(Banner), world.spawn(Mob)];
    entities[0]!.get(Tag).data = { buffs: ['haste', 'ward'], rank: 3 };
    const observer = { key: 'k', owner: entities[1], view: new Set(entities), snapshot: false };
    const snapshot = sync.step([observer]).get('k')!;
    for (const e of entities) if (e.has(Position)) e.get(Position).x += 1.5;
    entities[3]!.destroy();
    const delta = sync.step([observer]).get('k')!;
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    let thrown = 0;
    for (let i = 0; i < 3_000; i++) {
      const target = i % 2 === 0 ? snapshot : delta;
      let bytes = Uint8Array.from(target);
      const how = rnd(3);
      if (how === 0) for (let k = 0; k <= rnd(3); k++) bytes[rnd(bytes.length)] = rnd(256);
      else if (how === 1) bytes = bytes.subarray(0, rnd(bytes.length));
      else bytes = Uint8Array.from([...bytes, rnd(256)]);
      const decoder = new SyncDecoder();
      try {
        if (target === delta) decoder.decode(snapshot);
        decoder.decode(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(SyncError);
        thrown++;
      }
    }
    expect(thrown).toBeGreaterThan(1_000);
  });
});
