import { describe, expect, it } from 'vitest';
import { Entity } from '../engine/ecs/entity.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Position } from './fixtures/space-game.js';
import { PlayerEntity } from './player-entity.js';
import { SpaceInterest } from './space-interest.js';

class Walker extends PlayerEntity {
  static override components = [Position];
}

class Stone extends Entity {
  static override components = [Position];
}

function setup() {
  const logger = new MemoryLogger();
  const world = new World({ logger, clock: new ManualClock(), registry: new EntityRegistry().register('Walker', Walker).register('Stone', Stone) });
  const interest = new SpaceInterest({ position: Position, cellSize: 10, viewRadius: 10 }, logger);
  const at = <E extends Entity>(entity: E, x: number, y: number): E => {
    entity.get(Position).x = x;
    entity.get(Position).y = y;
    return entity;
  };
  return { logger, world, interest, at };
}

describe('SpaceInterest', () => {
  it('gives a player the entities within its view radius, the one exactly at it included, itself excluded', () => {
    const { world, interest, at } = setup();
    const walker = at(world.spawn(Walker), 0, 0);
    const edge = at(world.spawn(Stone), 6, 8); // distance 10
    at(world.spawn(Stone), 10, 1);
    interest.update(world);
    expect([...interest.viewOf(walker)]).toEqual([edge]);
    expect(interest.changes.entered).toEqual([[walker, edge]]);
    expect(interest.nearby(0, 0, 10).sort((a, b) => a.id.localeCompare(b.id))).toEqual([walker, edge].sort((a, b) => a.id.localeCompare(b.id)));
    expect(interest.positionOf(edge)).toMatchObject({ x: 6, y: 8 });
  });

  it('follows moves, and takes out what left the world or lost its position', () => {
    const { world, interest, at } = setup();
    const walker = at(world.spawn(Walker), 0, 0);
    const stone = at(world.spawn(Stone), 5, 0);
    const other = at(world.spawn(Stone), 3, 0);
    interest.update(world);
    at(stone, 50, 0);
    other.destroy();
    const { left } = interest.update(world);
    expect(left).toEqual(expect.arrayContaining([[walker, stone], [walker, other]]));
    expect(interest.viewOf(walker).size).toBe(0);
    expect(interest.positionOf(other)).toBeUndefined();
    expect(interest.update(world)).toEqual({ entered: [], left: [] });
  });

  it('keeps an entity whose position the grid refuses off it, warning once', () => {
    const { logger, world, interest, at } = setup();
    const walker = at(world.spawn(Walker), 0, 0);
    const lost = at(world.spawn(Stone), 1, 0);
    interest.update(world);
    at(lost, Number.NaN, 0);
    interest.update(world);
    interest.update(world);
    expect(interest.viewOf(walker).size).toBe(0);
    expect(logger.at('warn').filter((l) => l.message.includes('off the interest grid'))).toHaveLength(1);
    at(lost, 2, 0);
    interest.update(world);
    expect([...interest.viewOf(walker)]).toEqual([lost]);
  });
});
