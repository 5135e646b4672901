import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from './lmdb-store.js';
import { describeStoreContract } from './store.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'lmdb-store-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeStoreContract('lmdb', async () => openLmdbStore({ path: dir, maxCollections: 256 }));
