/**
 * Store throughput: documents saved per second in batches of 1,000, creating and then updating,
 * on each backend. Baselines in the same run: the raw driver's insertMany (MongoDB, through
 * FerretDB) and raw lmdb puts in one transaction per batch, with the same documents.
 *
 * FerretDB v1 commits every updated document on its own and scans the collection for a filter
 * other than `_id` alone, so the MongoDB update figures (ours, and as their baseline the raw
 * driver's replaceOne with the same `{ _id, _v }` filter) are taken on 1,000 documents.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { MongoClient } from 'mongodb';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { startFerretDB } from '../engine/testing/test-servers.js';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import { connectMongoStore } from '../engine/persist/mongo-store.js';
import type { DocumentData, SaveRequest, Store } from '../engine/persist/store.js';
import { SystemClock } from '../engine/timer/clock.js';
import { timeIt, type Benchmark, type Figure } from './lib/benchmark.js';

const BATCH = 1_000;
const DOCS = 20_000;
const FERRETDB_UPDATE_DOCS = 1_000;

function avatar(i: number, round: number): DocumentData {
  return {
    name: `player-${i}`,
    level: (i % 60) + round,
    gold: i * 7 + round,
    position: { x: i % 1000, y: (i * 13) % 1000, zone: `zone-${i % 16}` },
    inventory: Array.from({ length: 8 }, (_, k) => ({ item: `item-${(i + k) % 97}`, count: k + 1 })),
    flags: { tutorialDone: true, muted: false },
  };
}

const rate = (docs: number, ms: number): Figure => ({ value: (docs / ms) * 1000, unit: 'docs/s', better: 'higher' });

// Saves `docs` documents in batches; round 0 creates them, round n moves them from version n to n + 1.
async function saveRate(store: Store, collection: string, docs: number, round: number): Promise<Figure> {
  const batches = Array.from({ length: docs / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, k): SaveRequest => {
      const i = b * BATCH + k;
      return { id: `a${i}`, data: avatar(i, round), expectedVersion: round };
    }),
  );
  const ms = await timeIt(async () => {
    for (const batch of batches) {
      const outcomes = await store.saveBatch(collection, batch);
      if (!outcomes.every((o) => o.ok)) throw new Error('unexpected conflict in the benchmark');
    }
  });
  return rate(docs, ms);
}

const benchmark: Benchmark = {
  name: 'store',
  description: `saves of ${DOCS.toLocaleString('en-US')} documents in batches of ${BATCH} on LMDB and on MongoDB (FerretDB)`,
  async run() {
    const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
    const server = process.env.MONGO_URL ? undefined : await startFerretDB();
    const mongoUrl = process.env.MONGO_URL ?? server!.url;
    try {
      const lmdb = openLmdbStore({ path: join(dir, 'ours') });
      const lmdbCreate = await saveRate(lmdb, 'avatars', DOCS, 0);
      const lmdbUpdate = await saveRate(lmdb, 'avatars', DOCS, 1);
      await lmdb.close();

      const raw = open({ path: join(dir, 'raw') }).openDB<DocumentData, string>({ name: 'avatars' });
      const lmdbRaw = await timeIt(async () => {
        for (let b = 0; b < DOCS / BATCH; b++) {
          await raw.transaction(() => {
            for (let k = 0; k < BATCH; k++) void raw.put(`a${b * BATCH + k}`, avatar(b * BATCH + k, 0));
          });
        }
      });

      const database = `bench_${Date.now()}`;
      const mongo = await connectMongoStore({ url: mongoUrl, database, clock: new SystemClock(), logger: new MemoryLogger() });
      const mongoCreate = await saveRate(mongo, 'avatars', DOCS, 0);
      const updateDocs = server ? FERRETDB_UPDATE_DOCS : DOCS;
      await saveRate(mongo, 'small', updateDocs, 0);
      const mongoUpdate = await saveRate(mongo, 'small', updateDocs, 1);
      await mongo.close();

      const client = new MongoClient(mongoUrl);
      const col = client.db(database).collection('raw_avatars');
      const mongoRaw = await timeIt(async () => {
        for (let b = 0; b < DOCS / BATCH; b++) {
          await col.insertMany(Array.from({ length: BATCH }, (_, k) => ({ _id: `a${b * BATCH + k}` as never, ...avatar(b * BATCH + k, 0) })));
        }
      });
      const rawUpdates = client.db(database).collection('raw_small');
      await rawUpdates.insertMany(Array.from({ length: updateDocs }, (_, i) => ({ _id: `a${i}` as never, ...avatar(i, 0), _v: 1 })));
      const mongoRawUpdate = await timeIt(async () => {
        for (let b = 0; b < updateDocs / BATCH; b++) {
          const ops = Array.from({ length: BATCH }, (_, k) => {
            const i = b * BATCH + k;
            // The same version-checked filter the store uses: a raw optimistic writer needs it too.
            return { replaceOne: { filter: { _id: `a${i}` as never, _v: 1 }, replacement: { ...avatar(i, 1), _v: 2 } } };
          });
          // The same 50-statement commands the store sends to FerretDB.
          for (let g = 0; g < ops.length; g += 50) await rawUpdates.bulkWrite(ops.slice(g, g + 50), { ordered: false });
        }
      });
      await client.db(database).dropDatabase();
      await client.close();

      return {
        params: {
          documents: DOCS,
          batch: BATCH,
          mongodb: server ? 'FerretDB v1 (sqlite), started for the run' : mongoUrl,
          mongodbUpdateDocuments: updateDocs,
        },
        figures: {
          'lmdb create': lmdbCreate,
          'lmdb update': lmdbUpdate,
          'mongodb create': mongoCreate,
          'mongodb update': mongoUpdate,
        },
        baseline: {
          'lmdb raw puts': rate(DOCS, lmdbRaw),
          'mongodb raw insertMany': rate(DOCS, mongoRaw),
          'mongodb raw replaceOne': rate(updateDocs, mongoRawUpdate),
        },
        compare: [
          { ours: 'lmdb create', baseline: 'lmdb raw puts' },
          { ours: 'lmdb update', baseline: 'lmdb raw puts' },
          { ours: 'mongodb create', baseline: 'mongodb raw insertMany' },
          { ours: 'mongodb update', baseline: 'mongodb raw replaceOne' },
        ],
      };
    } finally {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
