import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../persist/lmdb-store.js';
import { describeEntityPersistence } from './entity-persistence.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'entity-lmdb-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeEntityPersistence('lmdb', async () => openLmdbStore({ path: dir }));
