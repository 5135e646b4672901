import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { OwnershipHeldError, StoreError } from './errors.js';
import { MongoOwners, type MongoOwnersContext } from './mongo-owners.js';
import { connectMongoStore } from './mongo-store.js';

const TTL = 30_000;
const clock = new SystemClock();

describe('MongoOwners against FerretDB: interleavings and failures', () => {
  const url = inject('mongoUrl');
  const database = `owners_${randomBytes(4).toString('hex')}`;
  const raw = new MongoClient(url);
  afterAll(() => raw.close());

  // The claims of `collection` as the store keeps them, with a hook before each named operation.
  const owners = (collection: string, before: (what: string) => Promise<void>, fence: MongoOwnersContext['fence'] = async () => undefined) => {
    const logger = new MemoryLogger();
    const ctx: MongoOwnersContext = {
      run: async (what, op) => {
        await before(what);
        return op();
      },
      clock,
      logger,
      fence,
    };
    return { logger, owners: new MongoOwners(collection, raw.db(database).collection(`${collection}__owners`), ctx) };
  };

  it('never hands out an epoch again to a claimant that stalled while it was taken and forgotten', async () => {
    const store = await connectMongoStore({ url, database, clock, logger: new MemoryLogger() });
    try {
      let stalled = false;
      const { owners: slow } = owners('heroes', async (what) => {
        if (!what.startsWith('claim ') || stalled) return;
        stalled = true;
        // Between reading epoch 0 and inserting epoch 1, two other claims come and go.
        await store.releaseOwner('heroes', await store.claimOwner('heroes', 'h1', 'lobby-2', TTL));
        await store.releaseOwner('heroes', await store.claimOwner('heroes', 'h1', 'lobby-3', TTL));
      });
      const err = await slow.claim('h1', 'lobby-1', TTL).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OwnershipHeldError);
      expect((await store.claimOwner('heroes', 'h1', 'lobby-4', TTL)).epoch).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('keeps a claim whose old records could not be removed, and logs it', async () => {
    const { owners: claims, logger } = owners('mobs', async (what) => {
      if (what.startsWith('forget ')) throw new StoreError('STORE_ERR_UNAVAILABLE', 'down for the test');
    });
    expect((await claims.claim('m1', 'lobby-1', TTL)).epoch).toBe(1);
    expect(logger.at('warn').map((l) => l.message)).toEqual(['old ownership claims not removed; removed at the next claim']);
  });

  it('logs a claim it could not give back after its fence failed', async () => {
    const { owners: claims, logger } = owners(
      'npcs',
      async (what) => {
        if (what.startsWith('release ')) throw new StoreError('STORE_ERR_UNAVAILABLE', 'down for the test');
      },
      async (id) => {
        throw new OwnershipHeldError('npcs', id, undefined, undefined);
      },
    );
    await expect(claims.claim('n1', 'lobby-1', TTL)).rejects.toBeInstanceOf(OwnershipHeldError);
    expect(logger.at('warn')[0]).toMatchObject({ message: 'ownership claim not given back; it lapses', meta: { id: 'n1', epoch: 1 } });
  });
});
