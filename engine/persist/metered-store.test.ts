import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../timer/clock.js';
import { openLmdbStore } from './lmdb-store.js';
import { MeteredStore, type StoreObserver, type StoreOperation } from './metered-store.js';
import { describeStoreContract } from './store.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'metered-lmdb-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every operation it was told of: operation, backend, seconds, error code (or `ok`). */
class RecordingObserver implements StoreObserver {
  readonly seen: [StoreOperation, string, number, string][] = [];
  operationSettled(operation: StoreOperation, backend: string, seconds: number, error: unknown): void {
    this.seen.push([operation, backend, seconds, error === undefined ? 'ok' : String((error as { code?: unknown }).code)]);
  }
}

// A metered store is a store: the whole contract holds through it.
describeStoreContract('metered lmdb', async (clock) => new MeteredStore(openLmdbStore({ path: dir, maxCollections: 256, ...(clock ? { clock } : {}) }), new RecordingObserver(), clock ?? new SystemClock()));

describe('MeteredStore', () => {
  it('tells its observer of each operation, its backend, its duration on the clock and how it ended', async () => {
    const clock = new ManualClock();
    const observer = new RecordingObserver();
    const inner = openLmdbStore({ path: dir, maxCollections: 256, clock });
    const store = new MeteredStore(inner, observer, clock);
    expect(store.backend).toBe('lmdb');
    expect(store.connected).toBe(true);
    expect(await store.save('Metered', { id: 'a', data: { n: 1 }, expectedVersion: 0 })).toBe(1);
    expect((await store.load('Metered', 'a'))?.version).toBe(1);
    await expect(store.save('Metered', { id: 'a', data: { n: 2 }, expectedVersion: 0 })).rejects.toMatchObject({ code: 'STORE_ERR_VERSION_CONFLICT' });
    expect(await store.find('Metered', { n: 1 })).toHaveLength(1);
    expect(await store.delete('Metered', 'a')).toBe(true);
    expect(observer.seen).toEqual([
      ['save', 'lmdb', 0, 'ok'],
      ['load', 'lmdb', 0, 'ok'],
      ['save', 'lmdb', 0, 'STORE_ERR_VERSION_CONFLICT'],
      ['find', 'lmdb', 0, 'ok'],
      ['delete', 'lmdb', 0, 'ok'],
    ]);
    await store.close();
    await expect(store.load('Metered', 'a')).rejects.toMatchObject({ code: 'STORE_ERR_CLOSED' });
    expect(observer.seen.at(-1)).toEqual(['load', 'lmdb', 0, 'STORE_ERR_CLOSED']);
  });
});
