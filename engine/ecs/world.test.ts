import { addComponent, addEntity, query, removeEntity } from 'bitecs';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Entity } from './entity.js';
import { EntityRegistry } from './entity-registry.js';
import { TickLoop } from './tick-loop.js';
import { World } from './world.js';

const newWorld = (): World => new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry() });
const capacity = 1_000;
const Position = { x: new Float32Array(capacity), y: new Float32Array(capacity) };
const Velocity = { x: new Float32Array(capacity), y: new Float32Array(capacity) };

function movement(world: World, dt: number): void {
  for (const eid of query(world.ecs, [Position, Velocity])) {
    Position.x[eid]! += Velocity.x[eid]! * dt;
    Position.y[eid]! += Velocity.y[eid]! * dt;
  }
}

describe('World', () => {
  it('runs its systems in the order they were added, once per step', () => {
    const order: string[] = [];
    const world = newWorld()
      .addSystem('input', () => void order.push('input'))
      .addSystem('movement', () => void order.push('movement'))
      .addSystem('combat', () => void order.push('combat'));
    world.step(0.05);
    world.step(0.05);
    expect(order).toEqual(['input', 'movement', 'combat', 'input', 'movement', 'combat']);
    expect(world.stats()).toMatchObject({ steps: 2, elapsed: 0.1 });
    expect(world.systemNames).toEqual(['input', 'movement', 'combat']);
  });

  it('replaces its systems between two steps, in the new order, and refuses two of one name', () => {
    const order: string[] = [];
    const world = newWorld()
      .addSystem('input', () => void order.push('input'))
      .addSystem('combat', () => void order.push('combat'));
    world.step(0.05);
    world.replaceSystems([
      { name: 'input', run: () => void order.push('input 2') },
      { name: 'regen', run: () => void order.push('regen') },
    ]);
    world.step(0.05);
    expect(order).toEqual(['input', 'combat', 'input 2', 'regen']);
    expect(() => world.replaceSystems([{ name: 'a', run: () => undefined }, { name: 'a', run: () => undefined }])).toThrow(/share a name/);
    expect(world.systemNames).toEqual(['input', 'regen']);
  });

  it('moves entities with a query over typed-array components, driven by a tick loop', () => {
    const world = newWorld().addSystem('movement', movement);
    const mover = addEntity(world.ecs);
    addComponent(world.ecs, mover, Position);
    addComponent(world.ecs, mover, Velocity);
    Position.x[mover] = 0;
    Velocity.x[mover] = 2;
    const still = addEntity(world.ecs);
    addComponent(world.ecs, still, Position);
    Position.x[still] = 7;

    const clock = new ManualClock();
    const loop = new TickLoop({ clock, logger: new MemoryLogger(), hz: 10, step: (dt) => world.step(dt) });
    loop.start();
    clock.advance(1_000);
    expect(Position.x[mover]).toBeCloseTo(2, 5);
    expect(Position.x[still]).toBe(7);

    removeEntity(world.ecs, mover);
    clock.advance(1_000);
    expect(Position.x[mover]).toBeCloseTo(2, 5);
  });

  it('logs a failing system, counts it, and still runs the systems after it', () => {
    const logger = new MemoryLogger();
    let after = 0;
    const world = new World({ logger, clock: new ManualClock(), registry: new EntityRegistry() })
      .addSystem('broken', () => {
        throw new Error('bad data');
      })
      .addSystem('after', () => void after++);
    world.step(0.1);
    world.step(0.1);
    expect(after).toBe(2);
    expect(world.stats().systemErrors).toEqual({ broken: 2 });
    expect(logger.at('error')[0]?.meta).toMatchObject({ system: 'broken', step: 0 });
  });

  it('refuses two systems with one name', () => {
    const world = newWorld().addSystem('movement', movement);
    expect(() => world.addSystem('movement', movement)).toThrow(/already exists/);
  });

  it('finds the entity behind a bitecs id until it is destroyed', () => {
    class Crate extends Entity {}
    const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry().register('Crate', Crate) });
    const crate = world.spawn(Crate);
    const eid = crate.eid;
    expect(world.entityOf(eid)).toBe(crate);
    world.destroy(crate);
    expect(world.entityOf(eid)).toBeUndefined();
  });

  it('lists its live entities, all or of one type', () => {
    class Crate extends Entity {}
    class Barrel extends Entity {}
    const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry().register('Crate', Crate).register('Barrel', Barrel) });
    const [a, b, c] = [world.spawn(Crate), world.spawn(Crate), world.spawn(Barrel)];
    world.destroy(b);
    expect(world.list()).toEqual(expect.arrayContaining([a, c]));
    expect(world.list()).toHaveLength(2);
    expect(world.list(Crate)).toEqual([a]);
    expect(world.list('Barrel')).toEqual([c]);
    expect(() => world.list('Nothing')).toThrow(/unknown entity type/);
  });
});
