/**
 * The contract every {@link Store} backend passes. Each backend's test file calls
 * {@link describeStoreContract} with a factory that opens a new handle on the same storage, on
 * the clock given (the system clock when none is).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ShiftedClock } from '../testing/shifted-clock.js';
import type { Clock } from '../timer/clock.js';
import { OwnershipHeldError, OwnershipLostError, StoreError, VersionConflictError } from './errors.js';
import type { DocumentData, SaveRequest, Store } from './store.js';


let nextCollection = 0;
const fresh = (): string => `c${Date.now().toString(36)}${nextCollection++}`;

async function expectStoreError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).code).toBe(code);
  if (message) expect((err as StoreError).message).toMatch(message);
}

const nested: DocumentData = {
  name: 'Ada',
  level: 42,
  ratio: 0.125,
  big: 2 ** 40,
  negative: -7,
  alive: true,
  nothing: null,
  tags: ['a', 'b', 'c'],
  empty: { list: [], map: {} },
  profile: { region: 'eu', stats: { hp: 100, mp: [1, 2, { deep: 'yes' }] } },
  joined: new Date('2026-01-02T03:04:05.678Z'),
  blob: Buffer.from([0, 1, 2, 254, 255]),
  unicode: 'héllo wörld ✓ 🎮',
};

/** Registers the store contract tests for one backend under `describe(label)`. */
export function describeStoreContract(label: string, openStore: (clock?: Clock) => Promise<Store>): void {
  describe(`Store contract (${label})`, () => {
    const opened: Store[] = [];
    const store = async (clock?: Clock): Promise<Store> => {
      const s = await openStore(clock);
      opened.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of opened) await s.close();
    });

    it('loads nothing for an id that was never saved', async () => {
      expect(await (await store()).load(fresh(), 'missing')).toBeUndefined();
    });

    it('round-trips a nested document with every supported type', async () => {
      const s = await store();
      const col = fresh();
      expect(await s.save(col, { id: 'p1', data: nested, expectedVersion: 0 })).toBe(1);
      const doc = await s.load(col, 'p1');
      expect(doc?.id).toBe('p1');
      expect(doc?.version).toBe(1);
      const { blob, ...rest } = doc!.data;
      const { blob: sentBlob, ...sentRest } = nested;
      expect(rest).toEqual(sentRest);
      expect(Buffer.from(blob as Uint8Array).equals(sentBlob as Buffer)).toBe(true);
      expect(rest.joined).toBeInstanceOf(Date);
    });

    it('replaces the whole document on update and counts versions up', async () => {
      const s = await store();
      const col = fresh();
      await s.save(col, { id: 'x', data: { a: 1, b: 2 }, expectedVersion: 0 });
      expect(await s.save(col, { id: 'x', data: { a: 3 }, expectedVersion: 1 })).toBe(2);
      expect(await s.load(col, 'x')).toEqual({ id: 'x', version: 2, data: { a: 3 } });
    });

    it('detects version conflicts and leaves the stored document as it was', async () => {
      const s = await store();
      const col = fresh();
      await s.save(col, { id: 'x', data: { gold: 10 }, expectedVersion: 0 });
      await s.save(col, { id: 'x', data: { gold: 20 }, expectedVersion: 1 });
      const stale = s.save(col, { id: 'x', data: { gold: 999 }, expectedVersion: 1 });
      await expectStoreError(stale, 'STORE_ERR_VERSION_CONFLICT', /expected version 1, found version 2/);
      const err = await s.save(col, { id: 'x', data: {}, expectedVersion: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).actualVersion).toBe(2);
      await expectStoreError(s.save(col, { id: 'nope', data: {}, expectedVersion: 3 }), 'STORE_ERR_VERSION_CONFLICT', /found no document/);
      expect(await s.load(col, 'x')).toEqual({ id: 'x', version: 2, data: { gold: 20 } });
    });

    it('saves a batch of 10,000 documents and reports conflicts per document', { timeout: 120_000 }, async () => {
      const s = await store();
      const col = fresh();
      const batch: SaveRequest[] = Array.from({ length: 10_000 }, (_, i) => ({
        id: `e${i}`,
        data: { n: i, owner: `o${i % 10}`, items: [i, i + 1] },
        expectedVersion: 0,
      }));
      const created = await s.saveBatch(col, batch);
      expect(created).toHaveLength(10_000);
      expect(created.every((o) => o.ok && o.version === 1)).toBe(true);
      expect(await s.load(col, 'e9999')).toEqual({ id: 'e9999', version: 1, data: { n: 9999, owner: 'o9', items: [9999, 10000] } });
      expect(await s.find(col, { owner: 'o3' }, { limit: 10_000 })).toHaveLength(1_000);

      const mixed = await s.saveBatch(col, [
        { id: 'e1', data: { n: -1 }, expectedVersion: 1 },
        { id: 'e2', data: { n: -2 }, expectedVersion: 7 },
        { id: 'e3', data: { n: -3 }, expectedVersion: 0 },
        { id: 'new', data: { n: 0 }, expectedVersion: 0 },
      ]);
      expect(mixed).toEqual([
        { id: 'e1', ok: true, version: 2 },
        { id: 'e2', ok: false, expectedVersion: 7, actualVersion: 1 },
        { id: 'e3', ok: false, expectedVersion: 0, actualVersion: 1 },
        { id: 'new', ok: true, version: 1 },
      ]);
      expect((await s.load(col, 'e2'))?.data).toEqual({ n: 2, owner: 'o2', items: [2, 3] });
    });

    it('updates a batch of 300 documents in one call', async () => {
      const s = await store();
      const col = fresh();
      const ids = Array.from({ length: 300 }, (_, i) => `u${i}`);
      await s.saveBatch(col, ids.map((id) => ({ id, data: { round: 0 }, expectedVersion: 0 })));
      const updated = await s.saveBatch(col, ids.map((id) => ({ id, data: { round: 1 }, expectedVersion: 1 })));
      expect(updated.every((o) => o.ok && o.version === 2)).toBe(true);
      expect(await s.find(col, { round: 1 }, { limit: 1_000 })).toHaveLength(300);
    });

    describe('invalid documents are refused with a clear error and nothing is written', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      const cases: Array<[string, DocumentData, RegExp]> = [
        ['a function', { onHit: () => 1 }, /onHit: functions cannot be stored/],
        ['a cycle', { inner: cyclic }, /inner\.self: cyclic reference/],
        ['a value over the size limit', { blob: 'x'.repeat(5 * 1024 * 1024) }, /blob: document is larger than/],
        ['a key starting with $', { $set: 1 }, /\$set: keys cannot start with '\$'/],
        ['a nested key starting with $', { a: { b: [{ $where: 'x' }] } }, /a\.b\[0\]\.\$where/],
        ['a key with a dot', { 'a.b': 1 }, /keys cannot contain '\.'/],
        ['a bigint', { n: 10n }, /n: bigint cannot be stored/],
        ['a Map', { m: new Map() }, /m: Map instances cannot be stored/],
        ['undefined', { u: undefined }, /u: undefined cannot be stored/],
        ['a reserved field', { _v: 3 }, /'_v' is reserved/],
        ['a __proto__ key', JSON.parse('{"__proto__": {"polluted": true}}') as DocumentData, /__proto__/],
      ];
      for (const [what, data, message] of cases) {
        it(`refuses ${what}`, async () => {
          const s = await store();
          const col = fresh();
          await expectStoreError(s.save(col, { id: 'bad', data, expectedVersion: 0 }), 'STORE_ERR_INVALID_DOCUMENT', message);
          expect(await s.load(col, 'bad')).toBeUndefined();
        });
      }

      it('refuses a whole batch when one document is invalid', async () => {
        const s = await store();
        const col = fresh();
        const batch: SaveRequest[] = [
          { id: 'good1', data: { ok: 1 }, expectedVersion: 0 },
          { id: 'bad', data: { fn: () => 0 }, expectedVersion: 0 },
          { id: 'good2', data: { ok: 2 }, expectedVersion: 0 },
        ];
        await expectStoreError(s.saveBatch(col, batch), 'STORE_ERR_INVALID_DOCUMENT', new RegExp(`${col}/bad: fn`));
        expect(await s.find(col, {})).toEqual([]);
      });
    });

    it('refuses bad arguments with STORE_ERR_INVALID_ARGUMENT', async () => {
      const s = await store();
      await expectStoreError(s.load('bad name!', 'x'), 'STORE_ERR_INVALID_ARGUMENT', /collection name/);
      await expectStoreError(s.load(fresh(), ''), 'STORE_ERR_INVALID_ARGUMENT', /document id/);
      await expectStoreError(s.load(fresh(), 'x'.repeat(300)), 'STORE_ERR_INVALID_ARGUMENT', /document id/);
      const dup = [
        { id: 'a', data: {}, expectedVersion: 0 },
        { id: 'a', data: {}, expectedVersion: 0 },
      ];
      await expectStoreError(s.saveBatch(fresh(), dup), 'STORE_ERR_INVALID_ARGUMENT', /twice/);
      await expectStoreError(s.saveBatch(fresh(), new Array<SaveRequest>(100_001)), 'STORE_ERR_INVALID_ARGUMENT', /request limit/);
      await expectStoreError(s.save(fresh(), { id: 'a', data: {}, expectedVersion: -1 }), 'STORE_ERR_INVALID_ARGUMENT', /version/);
      await expectStoreError(s.find(fresh(), { $where: 'x' }), 'STORE_ERR_INVALID_ARGUMENT', /filter path/);
      await expectStoreError(s.find(fresh(), { _id: 'x' }), 'STORE_ERR_INVALID_ARGUMENT', /filter path/);
      await expectStoreError(s.find(fresh(), { a: { $gt: 1 } as never }), 'STORE_ERR_INVALID_ARGUMENT', /only strings/);
      await expectStoreError(s.find(fresh(), {}, { limit: 0 }), 'STORE_ERR_INVALID_ARGUMENT', /limit/);
    });

    it('deletes with and without a version check', async () => {
      const s = await store();
      const col = fresh();
      await s.save(col, { id: 'a', data: {}, expectedVersion: 0 });
      await s.save(col, { id: 'b', data: {}, expectedVersion: 0 });
      expect(await s.delete(col, 'a')).toBe(true);
      expect(await s.delete(col, 'a')).toBe(false);
      await expectStoreError(s.delete(col, 'b', 5), 'STORE_ERR_VERSION_CONFLICT', /expected version 5, found version 1/);
      expect(await s.load(col, 'b')).toBeDefined();
      expect(await s.delete(col, 'b', 1)).toBe(true);
      expect(await s.load(col, 'b')).toBeUndefined();
      // Version 0 means "absent": nothing to delete when absent, a conflict when present.
      expect(await s.delete(col, 'b', 0)).toBe(false);
      await s.save(col, { id: 'c', data: {}, expectedVersion: 0 });
      await expectStoreError(s.delete(col, 'c', 0), 'STORE_ERR_VERSION_CONFLICT', /expected version 0, found version 1/);
      await s.save(col, { id: 'c', data: { again: true }, expectedVersion: 1 });
      expect(await s.delete(col, 'c', 2)).toBe(true);
      expect(await s.save(col, { id: 'c', data: { reborn: true }, expectedVersion: 0 })).toBe(1);
    });

    it('finds by equality on top-level and nested fields, array members and null', async () => {
      const s = await store();
      const col = fresh();
      await s.saveBatch(col, [
        { id: 'a', data: { kind: 'orc', stats: { level: 3 }, tags: ['red', 'big'], guild: null }, expectedVersion: 0 },
        { id: 'b', data: { kind: 'orc', stats: { level: 5 }, tags: ['blue'] }, expectedVersion: 0 },
        { id: 'c', data: { kind: 'elf', stats: { level: 3 }, tags: [], guild: 'g1' }, expectedVersion: 0 },
        { id: 'd', data: { kind: 'imp', items: [{ name: 'sword', n: 1 }, { name: 'shield' }], tags: [null] }, expectedVersion: 0 },
      ]);
      const ids = async (f: Parameters<Store['find']>[1]): Promise<string[]> => (await s.find(col, f)).map((d) => d.id).sort();
      expect(await ids({ kind: 'orc' })).toEqual(['a', 'b']);
      expect(await ids({ kind: 'orc', 'stats.level': 3 })).toEqual(['a']);
      expect(await ids({ tags: 'blue' })).toEqual(['b']);
      expect(await ids({ guild: null })).toEqual(['a', 'b', 'd']);
      expect(await ids({ 'items.name': 'shield' })).toEqual(['d']);
      expect(await ids({ 'items.n': 1, kind: 'imp' })).toEqual(['d']);
      expect(await ids({ tags: null, kind: 'imp' })).toEqual(['d']);
      expect(await ids({ kind: 'dwarf' })).toEqual([]);
      expect(await s.find(col, { kind: 'orc' }, { limit: 1 })).toHaveLength(1);
      const [found] = await s.find(col, { guild: 'g1' });
      expect(found).toEqual({ id: 'c', version: 1, data: { kind: 'elf', stats: { level: 3 }, tags: [], guild: 'g1' } });
    });

    it('lets exactly one of two concurrent writers win a version race', async () => {
      const [w1, w2] = [await store(), await store()];
      const col = fresh();
      await w1.save(col, { id: 'hero', data: { gold: 0 }, expectedVersion: 0 });
      const results = await Promise.allSettled([
        w1.save(col, { id: 'hero', data: { gold: 1 }, expectedVersion: 1 }),
        w2.save(col, { id: 'hero', data: { gold: 2 }, expectedVersion: 1 }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(VersionConflictError);
      expect((await w2.load(col, 'hero'))?.version).toBe(2);
    });

    it('keeps every increment when two writers retry on conflict', async () => {
      const [w1, w2] = [await store(), await store()];
      const col = fresh();
      await w1.save(col, { id: 'counter', data: { n: 0 }, expectedVersion: 0 });
      const increment = async (s: Store, times: number): Promise<void> => {
        for (let done = 0; done < times; ) {
          const doc = (await s.load(col, 'counter'))!;
          try {
            await s.save(col, { id: 'counter', data: { n: (doc.data.n as number) + 1 }, expectedVersion: doc.version });
            done++;
          } catch (err) {
            if (!(err instanceof VersionConflictError)) throw err;
          }
        }
      };
      await Promise.all([increment(w1, 25), increment(w2, 25)]);
      expect(await w1.load(col, 'counter')).toEqual({ id: 'counter', version: 51, data: { n: 50 } });
    });

    describe('ownership claims', () => {
      const TTL = 30_000;
      // Two lobbies on one database, each with its own handle; time moves for both.
      const pair = async () => {
        const clock = new ShiftedClock();
        return { clock, a: await store(clock), b: await store(clock), col: fresh() };
      };

      it('gives the first claim epoch 1 and refuses a second claim while it lives, naming the holder', async () => {
        const { clock, a, b, col } = await pair();
        const claim = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        expect(claim.owner).toBe('lobby-1');
        expect(claim.epoch).toBe(1);
        expect(claim.expiresAt).toBeGreaterThanOrEqual(clock.now() + TTL - 1_000);
        const err = await b.claimOwner(col, 'hero', 'lobby-2', TTL).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OwnershipHeldError);
        expect((err as OwnershipHeldError).code).toBe('STORE_ERR_OWNED');
        expect((err as OwnershipHeldError).owner).toBe('lobby-1');
        await expectStoreError(a.claimOwner(col, 'hero', 'lobby-1', TTL), 'STORE_ERR_OWNED');
      });

      it('lets exactly one of two lobbies racing for a document win its claim', async () => {
        const { a, b, col } = await pair();
        await a.save(col, { id: 'hero', data: { gold: 1 }, expectedVersion: 0 });
        const results = await Promise.allSettled([a.claimOwner(col, 'hero', 'lobby-1', TTL), b.claimOwner(col, 'hero', 'lobby-2', TTL)]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(lost?.reason).toBeInstanceOf(OwnershipHeldError);
      });

      it('takes over a lapsed claim with a higher epoch and refuses every later save of the stale owner', async () => {
        const { clock, a, b, col } = await pair();
        const first = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        expect(await a.save(col, { id: 'hero', data: { gold: 10 }, expectedVersion: 0, epoch: first.epoch })).toBe(1);
        clock.advance(TTL + 1);
        const second = await b.claimOwner(col, 'hero', 'lobby-2', TTL);
        expect(second.epoch).toBe(2);
        // The takeover moved the document to a version the stale owner never saw, data unchanged.
        expect(await b.load(col, 'hero')).toEqual({ id: 'hero', version: 2, data: { gold: 10 } });

        const stale = await a.save(col, { id: 'hero', data: { gold: 999 }, expectedVersion: 1, epoch: first.epoch }).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(OwnershipLostError);
        expect((stale as OwnershipLostError).code).toBe('STORE_ERR_NOT_OWNER');
        expect((stale as OwnershipLostError).actualEpoch).toBe(2);
        // Even a stale owner that names the current version is refused, and told why.
        const [guess] = await a.saveBatch(col, [{ id: 'hero', data: { gold: 998 }, expectedVersion: 2, epoch: first.epoch }]);
        expect(guess).toMatchObject({ id: 'hero', ok: false, expectedVersion: 2, actualEpoch: 2 });
        await expectStoreError(a.save(col, { id: 'hero', data: { gold: 997 }, expectedVersion: 2, epoch: first.epoch }), 'STORE_ERR_NOT_OWNER');
        expect(await b.load(col, 'hero')).toEqual({ id: 'hero', version: 2, data: { gold: 10 } });
        expect(await b.save(col, { id: 'hero', data: { gold: 11 }, expectedVersion: 2, epoch: second.epoch })).toBe(3);
      });

      it('refuses a stale owner\'s create after a takeover of a document that did not exist', async () => {
        const { clock, a, b, col } = await pair();
        const first = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        clock.advance(TTL + 1);
        const second = await b.claimOwner(col, 'hero', 'lobby-2', TTL);
        expect(second.epoch).toBe(first.epoch + 1);
        const stale = await a.save(col, { id: 'hero', data: { gold: 999 }, expectedVersion: 0, epoch: first.epoch }).catch((e: unknown) => e);
        expect(stale).toBeInstanceOf(OwnershipLostError);
        expect((stale as OwnershipLostError).code).toBe('STORE_ERR_NOT_OWNER');
        expect((stale as OwnershipLostError).actualEpoch).toBe(second.epoch);
        expect(await b.load(col, 'hero')).toBeUndefined();
        expect(await b.save(col, { id: 'hero', data: { gold: 1 }, expectedVersion: 0, epoch: second.epoch })).toBe(1);
        expect((await a.load(col, 'hero'))?.data).toEqual({ gold: 1 });
      });

      it('refuses a stale owner whatever version it names, and keeps the new owner\'s writes', async () => {
        const { clock, a, b, col } = await pair();
        const first = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        await a.save(col, { id: 'hero', data: { gold: 10 }, expectedVersion: 0, epoch: first.epoch });
        clock.advance(TTL + 1);
        const second = await b.claimOwner(col, 'hero', 'lobby-2', TTL);
        expect(await b.save(col, { id: 'hero', data: { gold: 11 }, expectedVersion: 2, epoch: second.epoch })).toBe(3);
        const outcomes = await a.saveBatch(col, [
          { id: 'hero', data: { gold: 999 }, expectedVersion: 1, epoch: first.epoch },
        ]);
        expect(outcomes).toEqual([{ id: 'hero', ok: false, expectedVersion: 1, actualVersion: 3, actualEpoch: 2 }]);
        expect(await a.load(col, 'hero')).toEqual({ id: 'hero', version: 3, data: { gold: 11 } });
      });

      it('reports a conflict with its own epoch when a save of the same claim landed unseen', async () => {
        const { a, col } = await pair();
        const claim = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        await a.save(col, { id: 'hero', data: { gold: 1 }, expectedVersion: 0, epoch: claim.epoch });
        await a.save(col, { id: 'hero', data: { gold: 2 }, expectedVersion: 1, epoch: claim.epoch });
        const [again] = await a.saveBatch(col, [{ id: 'hero', data: { gold: 3 }, expectedVersion: 1, epoch: claim.epoch }]);
        expect(again).toEqual({ id: 'hero', ok: false, expectedVersion: 1, actualVersion: 2, actualEpoch: 1 });
        await expectStoreError(a.save(col, { id: 'hero', data: {}, expectedVersion: 1, epoch: claim.epoch }), 'STORE_ERR_VERSION_CONFLICT');
      });

      it('renews live claims and reports lapsed and taken-over ones as lost', async () => {
        const { clock, a, b, col } = await pair();
        const kept = await a.claimOwner(col, 'kept', 'lobby-1', TTL);
        const lapsed = await a.claimOwner(col, 'lapsed', 'lobby-1', TTL);
        const taken = await a.claimOwner(col, 'taken', 'lobby-1', TTL);
        clock.advance(TTL - 1_000);
        expect(await a.renewOwners(col, [kept, { id: 'taken', epoch: taken.epoch }], TTL)).toEqual([]);
        clock.advance(2_000);
        // 'lapsed' ran out; 'kept' and 'taken' were renewed and still hold.
        await expectStoreError(b.claimOwner(col, 'kept', 'lobby-2', TTL), 'STORE_ERR_OWNED');
        expect((await b.claimOwner(col, 'lapsed', 'lobby-2', TTL)).epoch).toBe(2);
        clock.advance(TTL + 1);
        await b.claimOwner(col, 'taken', 'lobby-2', TTL);
        const lost = await a.renewOwners(col, [{ id: 'kept', epoch: kept.epoch }, { id: 'lapsed', epoch: lapsed.epoch }, { id: 'taken', epoch: taken.epoch }], TTL);
        expect(lost.sort()).toEqual(['kept', 'lapsed', 'taken']);
      });

      it('frees a released claim at once and never reuses its epoch', async () => {
        const { a, b, col } = await pair();
        await a.save(col, { id: 'hero', data: { gold: 5 }, expectedVersion: 0 });
        const first = await a.claimOwner(col, 'hero', 'lobby-1', TTL);
        await a.releaseOwner(col, first);
        const second = await b.claimOwner(col, 'hero', 'lobby-2', TTL);
        expect(second.epoch).toBe(2);
        // Releasing a claim that is no longer the last one changes nothing.
        await a.releaseOwner(col, first);
        await expectStoreError(a.claimOwner(col, 'hero', 'lobby-1', TTL), 'STORE_ERR_OWNED');
        expect(await a.renewOwners(col, [second], TTL)).toEqual([]);
        expect((await a.load(col, 'hero'))?.data).toEqual({ gold: 5 });
      });

      it('refuses bad claim arguments and the reserved field _e', async () => {
        const s = await store();
        await expectStoreError(s.claimOwner(fresh(), 'x', '', TTL), 'STORE_ERR_INVALID_ARGUMENT', /owner/);
        await expectStoreError(s.claimOwner(fresh(), 'x', 'lobby-1', 0), 'STORE_ERR_INVALID_ARGUMENT', /claim time/);
        await expectStoreError(s.renewOwners(fresh(), [{ id: 'x', epoch: 0 }], TTL), 'STORE_ERR_INVALID_ARGUMENT', /epoch/);
        await expectStoreError(s.save(fresh(), { id: 'x', data: {}, expectedVersion: 0, epoch: -1 }), 'STORE_ERR_INVALID_ARGUMENT', /epoch/);
        await expectStoreError(s.save(fresh(), { id: 'x', data: { _e: 1 }, expectedVersion: 0 }), 'STORE_ERR_INVALID_DOCUMENT', /'_e' is reserved/);
      });
    });

    it('fails with STORE_ERR_CLOSED after close', async () => {
      const s = await openStore();
      await s.close();
      await expectStoreError(s.load(fresh(), 'x'), 'STORE_ERR_CLOSED');
      await expectStoreError(s.save(fresh(), { id: 'x', data: {}, expectedVersion: 0 }), 'STORE_ERR_CLOSED');
    });
  });
}
