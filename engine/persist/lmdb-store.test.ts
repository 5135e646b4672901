import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from './errors.js';
import { openLmdbStore } from './lmdb-store.js';
import { describeStoreContract } from './store.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'lmdb-store-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeStoreContract('lmdb', async (clock) => openLmdbStore({ path: dir, maxCollections: 256, ...(clock ? { clock } : {}) }));

describe('LmdbStore failures', () => {
  it('reports LMDB refusing another collection as STORE_ERR_BACKEND', async () => {
    const store = openLmdbStore({ path: join(dir, 'full'), maxCollections: 1 });
    try {
      await store.save('first', { id: 'a', data: {}, expectedVersion: 0 });
      const err = await store.save('second', { id: 'a', data: {}, expectedVersion: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_ERR_BACKEND');
    } finally {
      await store.close();
    }
  });
});
