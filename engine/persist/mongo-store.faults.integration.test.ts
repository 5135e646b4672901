import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SystemClock } from '../timer/clock.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { startFerretDB } from '../testing/test-servers.js';
import { StoreError, VersionConflictError } from './errors.js';
import { connectMongoStore, type MongoStoreOptions } from './mongo-store.js';

const clock = new SystemClock();
const fastRetry = { maxRetries: 2, baseMs: 10, maxMs: 20 };

function options(url: string, database: string, extra: Partial<MongoStoreOptions> = {}): MongoStoreOptions {
  return { url, database, clock, logger: new MemoryLogger(), ...extra };
}

describe('MongoStore against FerretDB: claims, indexes and failures', () => {
  const url = inject('mongoUrl');
  const database = `faults_${randomBytes(4).toString('hex')}`;
  const raw = new MongoClient(url);
  afterAll(() => raw.close());

  it('creates the configured indexes when it connects', async () => {
    const store = await connectMongoStore(options(url, database, { indexes: [{ collection: 'accounts', fields: ['name', 'region'] }] }));
    await store.close();
    const indexes = await raw.db(database).collection('accounts').listIndexes().toArray();
    expect(indexes.map((i) => i.key)).toContainEqual({ name: 1, region: 1 });
  });

  it('guards version checks with claims on FerretDB and keeps one claim per document', async () => {
    const store = await connectMongoStore(options(url, database));
    try {
      await store.save('heroes', { id: 'h1', data: { hp: 1 }, expectedVersion: 0 });
      await store.save('heroes', { id: 'h1', data: { hp: 2 }, expectedVersion: 1 });
      await store.save('heroes', { id: 'h1', data: { hp: 3 }, expectedVersion: 2 });
      const claims = await raw.db(database).collection('heroes__claims').find({}).toArray();
      expect(claims.map((c) => c._id)).toEqual(['h1@3']);
      await store.delete('heroes', 'h1');
      expect(await raw.db(database).collection('heroes__claims').countDocuments()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('refuses a write while another writer holds the claim, and takes over a stale claim', async () => {
    const store = await connectMongoStore(options(url, database));
    const claims = raw.db(database).collection<{ _id: string; w: string; at: number }>('mobs__claims');
    try {
      await store.save('mobs', { id: 'm1', data: { hp: 1 }, expectedVersion: 0 });
      await claims.insertOne({ _id: 'm1@2', w: 'other-writer', at: clock.now() });
      const err = await store.save('mobs', { id: 'm1', data: { hp: 2 }, expectedVersion: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as Error).message).toMatch(/found another writer/);

      // Older than any bound the store may set: twice four fully retried operations (defaults: ~5 min).
      await claims.updateOne({ _id: 'm1@2' }, { $set: { at: clock.now() - 3_600_000 } });
      expect(await store.save('mobs', { id: 'm1', data: { hp: 2 }, expectedVersion: 1 })).toBe(2);
      expect((await store.load('mobs', 'm1'))?.data).toEqual({ hp: 2 });
    } finally {
      await store.close();
    }
  });

  it('refuses a stale writer whose old claim was released, and removes the claim it took', async () => {
    const store = await connectMongoStore(options(url, database));
    try {
      await store.save('npcs', { id: 'n1', data: { hp: 1 }, expectedVersion: 0 });
      await store.save('npcs', { id: 'n1', data: { hp: 2 }, expectedVersion: 1 });
      await store.save('npcs', { id: 'n1', data: { hp: 3 }, expectedVersion: 2 });
      // The claim n1@2 was released when version 3 landed, so a writer still at version 1 can take it.
      const err = await store.save('npcs', { id: 'n1', data: { hp: 99 }, expectedVersion: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VersionConflictError);
      expect((err as VersionConflictError).actualVersion).toBe(3);
      expect((await store.load('npcs', 'n1'))?.data).toEqual({ hp: 3 });
      const claims = await raw.db(database).collection('npcs__claims').find({}).toArray();
      expect(claims.map((c) => c._id)).toEqual(['n1@3']);
    } finally {
      await store.close();
    }
  });

  it('fails with STORE_ERR_UNAVAILABLE when the server cannot be reached at connect', async () => {
    const err = await connectMongoStore(
      options('mongodb://127.0.0.1:1/', database, { retry: fastRetry, serverSelectionTimeoutMs: 200 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_ERR_UNAVAILABLE');
  });

  it('reports a lost connection, retries a bounded number of times, then fails with STORE_ERR_UNAVAILABLE', async () => {
    const server = await startFerretDB();
    const logger = new MemoryLogger();
    const store = await connectMongoStore({ ...options(server.url, database, { retry: fastRetry, serverSelectionTimeoutMs: 300 }), logger });
    try {
      await store.save('items', { id: 'i1', data: { n: 1 }, expectedVersion: 0 });
      await server.stop();
      const err = await store.load('items', 'i1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_ERR_UNAVAILABLE');
      expect((err as StoreError).message).toMatch(/after 2 retries/);
      expect(store.connected).toBe(false);
      expect(logger.at('warn').map((l) => l.message)).toContain('mongodb connection lost');
      expect(logger.at('warn').filter((l) => l.message === 'mongodb operation failed, retrying')).toHaveLength(2);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('reports a refusal by the driver or the server as STORE_ERR_BACKEND, writing nothing', async () => {
    // Our own limit raised past MongoDB's 16 MiB cap, so the refusal comes from below us.
    const store = await connectMongoStore(options(url, database, { limits: { maxBytes: 64 * 1024 * 1024, maxDepth: 32 } }));
    try {
      const huge = { blob: 'x'.repeat(17 * 1024 * 1024) };
      const err = await store.save('huge', { id: 'h', data: huge, expectedVersion: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_ERR_BACKEND');
      expect(await store.load('huge', 'h')).toBeUndefined();
      // A failed update gives its claim back: the next writer is not told "another writer".
      await store.save('huge', { id: 'g', data: { n: 1 }, expectedVersion: 0 });
      const failed = await store.save('huge', { id: 'g', data: huge, expectedVersion: 1 }).catch((e: unknown) => e);
      expect((failed as StoreError).code).toBe('STORE_ERR_BACKEND');
      expect(await store.save('huge', { id: 'g', data: { n: 2 }, expectedVersion: 1 })).toBe(2);
    } finally {
      await store.close();
    }
  });
});
