import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { TickLoop } from '../engine/ecs/tick-loop.js';
import { World } from '../engine/ecs/world.js';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Avatar } from './fixtures/test-avatar.js';
import { Inventory, Position, Velocity } from './fixtures/test-components.js';
import { movementSystem } from './fixtures/movement-system.js';

function lobbyWorld(clock = new ManualClock()) {
  const registry = new EntityRegistry().register('Avatar', Avatar);
  const world = new World({ logger: new MemoryLogger(), clock, registry }).addSystem('movement', movementSystem);
  return { world, registry, clock };
}

describe('the Avatar example', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('moves avatars by their velocity on every tick, through hot typed-array fields', () => {
    const { world, clock } = lobbyWorld();
    const walker = world.spawn(Avatar);
    walker.get(Velocity).x = 3;
    walker.get(Velocity).y = -1;
    const idle = world.spawn(Avatar);
    new TickLoop({ clock, logger: new MemoryLogger(), hz: 20, step: (dt) => world.step(dt) }).start();
    clock.advance(2_000);
    expect(walker.get(Position).x).toBeCloseTo(6, 4);
    expect(walker.get(Position).y).toBeCloseTo(-2, 4);
    expect(world.hot(Position).x[walker.eid]).toBeCloseTo(6, 4);
    expect(idle.get(Position).x).toBe(0);
  });

  it('starts a reused entity slot from clean hot fields', () => {
    const { world } = lobbyWorld();
    const first = world.spawn(Avatar);
    first.get(Position).x = 99;
    world.destroy(first);
    const second = world.spawn(Avatar);
    expect(second.get(Position).x).toBe(0);
  });

  it('keeps hot values when the world grows past its first capacity', () => {
    const { world } = lobbyWorld();
    const first = world.spawn(Avatar);
    first.get(Position).x = 7;
    for (let i = 0; i < 3_000; i++) world.spawn(Avatar);
    expect(first.get(Position).x).toBe(7);
    expect(world.hot(Position).x.length).toBeGreaterThan(3_000);
  });

  it('saves the inventory, buys with a critical save, and loads the avatar back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'avatar-'));
    const store = openLmdbStore({ path: dir });
    try {
      const a = lobbyWorld();
      const persistence = new EntityPersistence({ world: a.world, registry: a.registry, store, logger: new MemoryLogger(), clock: new ManualClock(), owner: 'lobby-a' });
      const avatar = a.world.spawn(Avatar);
      await persistence.flushDirty();
      avatar.get(Inventory).buy('sword', 30);
      expect(() => avatar.get(Inventory).buy('castle', 1_000)).toThrow(/not enough gold/);
      await persistence.idle();
      expect(avatar.version).toBe(2);

      const { id } = avatar;
      await persistence.unload(avatar);
      const b = lobbyWorld();
      const again = await new EntityPersistence({ world: b.world, registry: b.registry, store, logger: new MemoryLogger(), clock: new ManualClock(), owner: 'lobby-b' }).load('Avatar', id);
      expect(again?.get(Inventory)).toMatchObject({ gold: 70, items: ['sword'] });
    } finally {
      await store.close();
    }
  });
});
