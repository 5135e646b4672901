import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { defaults } from '../config/defaults.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { createStore } from './create-store.js';

describe('createStore', () => {
  const options = { clock: new SystemClock(), logger: new MemoryLogger() };
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('opens the LMDB backend the configuration names, with its document size limit', async () => {
    dir = await mkdtemp(join(tmpdir(), 'create-store-'));
    const store = await createStore({ ...defaults.store, maxDocumentBytes: 1_000, lmdb: { path: dir } }, options);
    try {
      expect(store.backend).toBe('lmdb');
      await expect(store.save('a', { id: 'x', data: { s: 'y'.repeat(2_000) }, expectedVersion: 0 })).rejects.toThrow(/1000-byte limit/);
    } finally {
      await store.close();
    }
  });

  it('connects to the MongoDB backend the configuration names', async () => {
    const mongodb = { ...defaults.store.mongodb, url: inject('mongoUrl'), database: 'create_store' };
    const store = await createStore({ ...defaults.store, backend: 'mongodb', mongodb }, options);
    try {
      expect(store.backend).toBe('mongodb');
      expect(await store.save('things', { id: `t${Date.now()}`, data: { ok: true }, expectedVersion: 0 })).toBe(1);
    } finally {
      await store.close();
    }
  });
});
