import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { EntityPersistence } from './entity-persistence.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';
import { openLmdbStore } from '../persist/lmdb-store.js';
import { describeEntityPersistence } from './entity-persistence.contract.js';

const dir = await mkdtemp(join(tmpdir(), 'entity-lmdb-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeEntityPersistence('lmdb', async () => openLmdbStore({ path: dir }));

describe('EntityPersistence settings', () => {
  it('refuses a renewal interval that is not below the claim time', async () => {
    const registry = new EntityRegistry();
    const logger = new MemoryLogger();
    const clock = new ManualClock();
    const world = new World({ logger, clock, registry });
    const store = openLmdbStore({ path: dir });
    const make = (claimRenewMs: number) => new EntityPersistence({ world, registry, store, logger, clock, owner: 'lobby-1', claimTtlMs: 10_000, claimRenewMs });
    expect(() => make(10_000)).toThrow(RangeError);
    expect(() => make(0)).toThrow(RangeError);
    await store.close();
  });
});
