import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { openLmdbStore, type LmdbStore } from '../engine/persist/lmdb-store.js';
import { OutageStore } from '../engine/persist/fixtures/outage-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Avatar } from './fixtures/test-avatar.js';
import { AvatarStore } from './avatar-store.js';
import { Inventory } from './fixtures/test-components.js';
import { LobbyError } from './errors.js';

let dir: string | undefined;
let lmdb: LmdbStore | undefined;
afterEach(async () => {
  await lmdb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  lmdb = undefined;
  dir = undefined;
});

async function setup(saveAttempts = 2, saveRetryMs = 0) {
  dir = await mkdtemp(join(tmpdir(), 'avatar-store-'));
  lmdb = openLmdbStore({ path: dir });
  const store = new OutageStore(lmdb);
  const registry = new EntityRegistry().register('Avatar', Avatar);
  const logger = new MemoryLogger();
  const world = new World({ logger, clock: new ManualClock(), registry });
  const persistence = new EntityPersistence({ world, registry, store, logger, clock: new ManualClock(), owner: 'lobby-1' });
  const clock = new ManualClock();
  return { store, world, logger, clock, avatars: new AvatarStore({ world, persistence, clock, logger, saveAttempts, saveRetryMs, claimWaitMs: 0, claimRetryMs: 250 }) };
}

describe('AvatarStore', () => {
  it('refuses to hand out a new avatar it could not save, with LOBBY_ERR_STORE, leaving the world as it was', async () => {
    const { store, world, avatars } = await setup();
    store.down = true;
    const err = await avatars.loadOrCreate('Avatar', 'avatar-x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LobbyError);
    expect((err as LobbyError).code).toBe('LOBBY_ERR_STORE');
    expect(world.entityCount).toBe(0);
  });

  it('tries a failed immediate save again after waits that double, and releases the avatar once the store answers', async () => {
    const { store, clock, avatars, logger } = await setup(4, 100);
    const { avatar } = await avatars.loadOrCreate('Avatar', 'avatar-r');
    avatar.get(Inventory).gold = 9;
    store.down = true;
    const released = avatars.release(avatar);
    const waits = async (): Promise<number[]> => {
      await new Promise((resolve) => setImmediate(resolve));
      return logger.at('warn').filter((l) => l.message === 'lobby: an immediate save failed; trying again').map((l) => l.meta.waitMs as number);
    };
    expect(await waits()).toEqual([100]);
    clock.advance(100);
    expect(await waits()).toEqual([100, 200]);
    store.down = false;
    clock.advance(200);
    expect(await released).toBe(true);
    expect(avatar.alive).toBe(false);
    expect((await store.load('Avatar', 'avatar-r'))?.data).toMatchObject({ components: { Inventory: { gold: 9 } } });
  });

  it('keeps a released avatar whose save failed until a flush saves it, and gives it back to a bind meanwhile', async () => {
    const { store, world, avatars, logger } = await setup();
    const { avatar } = await avatars.loadOrCreate('Avatar', 'avatar-k');
    avatar.get(Inventory).gold = 3;
    store.down = true;
    expect(await avatars.release(avatar)).toBe(false);
    expect(avatar.alive).toBe(true);
    expect(avatars.unsavedCount).toBe(1);
    expect(logger.at('error').map((l) => l.message)).toContain('lobby: avatar kept after a failed save; the next flush retries');

    await expect(avatars.flushDirty()).rejects.toThrow(/STORE_ERR_UNAVAILABLE/);
    expect(avatar.alive).toBe(true);
    store.down = false;
    await avatars.flushDirty();
    expect(avatar.alive).toBe(false);
    expect(avatars.unsavedCount).toBe(0);
    expect((await store.load('Avatar', 'avatar-k'))?.data).toMatchObject({ components: { Inventory: { gold: 3 } } });

    const again = await avatars.loadOrCreate('Avatar', 'avatar-k');
    again.avatar.get(Inventory).gold = 4;
    store.down = true;
    await avatars.release(again.avatar);
    const back = await avatars.loadOrCreate('Avatar', 'avatar-k');
    expect(back).toEqual({ avatar: again.avatar, loaded: true });
    expect(back.avatar.get(Inventory).gold).toBe(4);
    expect(avatars.unsavedCount).toBe(0);
    expect(world.entityCount).toBe(1);
  });

  it('waits in idle() for the claim of an avatar a flush saved after its session closed to be given back', async () => {
    const { store, avatars } = await setup();
    const { avatar } = await avatars.loadOrCreate('Avatar', 'avatar-i');
    avatar.get(Inventory).gold = 5;
    store.down = true;
    expect(await avatars.release(avatar)).toBe(false);
    store.down = false;
    const released: string[] = [];
    store.releaseOwner = async (collection, claim) => {
      await lmdb!.releaseOwner(collection, claim);
      released.push(claim.id);
    };
    await avatars.flushDirty();
    await avatars.idle();
    expect(released).toEqual(['avatar-i']);
  });

  it('joins a flush already running instead of starting a second one', async () => {
    const { avatars } = await setup();
    await avatars.loadOrCreate('Avatar', 'avatar-j');
    const first = avatars.flushDirty();
    expect(avatars.flushDirty()).toBe(first);
    await first;
  });

  it('saves at logout an avatar whose stored version moved under its own claim, instead of conflicting forever', async () => {
    const { store, world, avatars, logger } = await setup();
    const { avatar } = await avatars.loadOrCreate('Avatar', 'avatar-v');
    const stored = (await store.load('Avatar', 'avatar-v'))!;
    // A save under this lobby's claim that lands while its answer is lost (a timeout, say).
    avatar.get(Inventory).gold = 32;
    store.answersLost = true;
    await expect(avatars.flushDirty()).rejects.toThrow(/STORE_ERR_UNAVAILABLE/);
    store.answersLost = false;
    avatar.get(Inventory).gold = 33;
    expect(await avatars.release(avatar)).toBe(true);
    expect(world.entityCount).toBe(0);
    expect(await store.load('Avatar', 'avatar-v')).toMatchObject({ version: stored.version + 2, data: { components: { Inventory: { gold: 33 } } } });
    expect(logger.at('warn').map((l) => l.message)).toContain('entity save conflict with its own earlier save; retried at the stored version');
    // Released: another lobby may claim it at once.
    expect((await store.claimOwner('Avatar', 'avatar-v', 'lobby-2', 1_000)).epoch).toBe(2);
  });

  it('logs at error, with the entity id, an avatar released after its ownership was lost, and writes nothing', async () => {
    const { store, avatars, logger } = await setup();
    const { avatar } = await avatars.loadOrCreate('Avatar', 'avatar-l');
    await store.releaseOwner('Avatar', { id: 'avatar-l', epoch: 1 });
    await store.claimOwner('Avatar', 'avatar-l', 'lobby-2', 60_000);
    const taken = (await store.load('Avatar', 'avatar-l'))!;
    avatar.get(Inventory).gold = 1;
    expect(await avatars.release(avatar)).toBe(false);
    expect(avatar.alive).toBe(false);
    expect(avatars.unsavedCount).toBe(0);
    expect(await store.load('Avatar', 'avatar-l')).toEqual(taken);
    const errors = logger.at('error');
    expect(errors.map((l) => l.message)).toEqual(['entity ownership lost; its unsaved changes are dropped', 'lobby: avatar not saved at release: its ownership was lost']);
    expect(errors.every((l) => l.meta.entityId === 'avatar-l')).toBe(true);
  });

  it('answers LOBBY_ERR_AVATAR_BUSY for an avatar another lobby owns, keeping no entity and no claim', async () => {
    const { store, world, avatars } = await setup();
    await store.claimOwner('Avatar', 'avatar-b', 'lobby-2', 60_000);
    const err = await avatars.loadOrCreate('Avatar', 'avatar-b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LobbyError);
    expect((err as LobbyError).code).toBe('LOBBY_ERR_AVATAR_BUSY');
    expect((err as LobbyError).message).toMatch(/held by lobby-2/);
    expect(world.entityCount).toBe(0);
  });
});
