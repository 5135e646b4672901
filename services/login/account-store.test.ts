import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../../engine/persist/lmdb-store.js';
import { describeAccountStore } from './account-store.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'account-store-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeAccountStore('lmdb', async () => openLmdbStore({ path: dir }));
