import { randomBytes } from 'node:crypto';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
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
  const raw = new MongoClient(url, { monitorCommands: true });
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
    return { logger, owners: new MongoOwners(collection, raw.db(database), ctx) };
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
  it('finds every claim by _id alone: no filter on another field, whatever the number of records', async () => {
    const filters: unknown[] = [];
    const listener = (e: CommandStartedEvent): void => {
      const c = e.command;
      if (e.commandName === 'find' && String(c.find).endsWith('__owners')) filters.push(c.filter);
      if (e.commandName === 'delete' && String(c.delete).endsWith('__owners')) filters.push(...(c.deletes as { q: unknown }[]).map((d) => d.q));
      if (e.commandName === 'update' && String(c.update).endsWith('__owners')) filters.push(...(c.updates as { q: unknown }[]).map((u) => u.q));
    };
    const { owners: claims } = owners('walls', async () => undefined);
    await claims.claim('w0', 'lobby-1', TTL); // prepares the collection (its one scan) before listening
    raw.on('commandStarted', listener);
    try {
      for (let i = 1; i <= 3; i++) await claims.release(await claims.claim('w1', `lobby-${i}`, TTL));
      expect((await claims.claim('w1', 'lobby-4', TTL)).epoch).toBe(4);
      expect(await claims.latestEpochs(['w0', 'w1', 'w2'])).toEqual(new Map([['w0', 1], ['w1', 4]]));
    } finally {
      raw.off('commandStarted', listener);
    }
    expect(filters.length).toBeGreaterThan(0);
    for (const filter of filters) expect(Object.keys(filter as object)).toEqual(['_id']);
    // Only the latest record and the head are left.
    const keys = ['w1#1', 'w1#2', 'w1#3', 'w1#4', 'w1#head'];
    const left = await raw.db(database).collection<{ _id: string }>('walls__owners').find({ _id: { $in: keys } }).toArray();
    expect(left.map((r) => r._id).sort()).toEqual(['w1#4', 'w1#head']);
  });

  it('answers the latest epochs of a large batch in one query, as of a small one', async () => {
    const { owners: claims } = owners('towers', async () => undefined);
    const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
    await claims.release(await claims.claim('t0', 'lobby-1', TTL));
    for (const id of ids.slice(0, 10)) await claims.claim(id, 'lobby-2', TTL);
    const expected = new Map([['t0', 2], ...ids.slice(1, 10).map((id): [string, number] => [id, 1])]);
    expect(await claims.latestEpochs(ids)).toEqual(expected);
    expect(await claims.latestEpochs(ids.slice(0, 3))).toEqual(new Map([['t0', 2], ['t1', 1], ['t2', 1]]));
  });

  it('reads records written before heads were kept: the first claim of a process gives them heads', async () => {
    const col = raw.db(database).collection<{ _id: string; id: string; epoch: number; owner: string; exp: number; w: string }>('gates__owners');
    await col.insertMany([
      { _id: 'g1#6', id: 'g1', epoch: 6, owner: 'lobby-old', exp: 0, w: 'a' },
      { _id: 'g1#7', id: 'g1', epoch: 7, owner: 'lobby-old', exp: Date.now() + TTL, w: 'b' },
      { _id: 'g2#3', id: 'g2', epoch: 3, owner: 'lobby-old', exp: 0, w: 'c' },
    ]);
    const { owners: claims } = owners('gates', async () => undefined);
    await expect(claims.claim('g1', 'lobby-1', TTL)).rejects.toMatchObject({ owner: 'lobby-old' });
    expect((await claims.claim('g2', 'lobby-1', TTL)).epoch).toBe(4);
    expect(await col.findOne({ _id: 'g1#head' })).toMatchObject({ epoch: 7 });
  });

  it('lets many processes prepare the same collection at once: each first claim succeeds', async () => {
    const col = raw.db(database).collection<{ _id: string; id: string; epoch: number; owner: string; exp: number; w: string }>('racers__owners');
    await col.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `r${i}#1`, id: `r${i}`, epoch: 1, owner: 'lobby-old', exp: 0, w: `${i}` })));
    const processes = Array.from({ length: 8 }, () => owners('racers', async () => undefined).owners);
    const claims = await Promise.all(processes.map((p, i) => p.claim(`r${i}`, `lobby-${i}`, TTL)));
    expect(claims.map((c) => c.epoch)).toEqual(processes.map(() => 2));
    expect(await col.countDocuments({ _id: { $regex: /#head$/ } })).toBe(20);
  });

  it('scans for the latest claim when its head names a record that is gone (a slow writer lowered it)', async () => {
    const { owners: claims } = owners('doors', async () => undefined);
    for (let i = 1; i <= 3; i++) await claims.release(await claims.claim('d1', `lobby-${i}`, TTL));
    // Epoch 3 is the latest; a late head write puts the head back on epoch 1, long removed.
    await raw.db(database).collection<{ _id: string; epoch: number }>('doors__owners').updateOne({ _id: 'd1#head' }, { $set: { epoch: 1 } });
    expect((await claims.claim('d1', 'lobby-4', TTL)).epoch).toBe(4);
  });
});
