import { addEntity, query } from 'bitecs';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { TimerService } from '../timer/timer-service.js';
import { Component } from './component.js';
import { Entity } from './entity.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';
import type { WorldSpace } from './world-space.js';

class Position extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  declare x: number;
  declare y: number;
}

class Purse extends Component {
  static override persist = ['gold'];
  gold = 0;
}

class Tag extends Component {}

class Hero extends Entity {
  static override components = [Position, Purse, Tag];
}

function worlds(options: { shareTimers?: boolean; space?: WorldSpace } = {}) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const registry = new EntityRegistry().register('Hero', Hero);
  const timers = options.shareTimers === false ? undefined : new TimerService({ clock, logger });
  const shared = timers ? { timers } : {};
  const lobby = new World({ clock, logger, registry, ...shared });
  const space = new World({ clock, logger, registry, ...shared, ...(options.space ? { space: options.space } : {}) });
  return { clock, lobby, space };
}

describe('World.transfer', () => {
  it('moves the same entity and component instances under the same id, with a new bitecs id and its hot values', () => {
    const { lobby, space } = worlds();
    // The target's ids are taken up to 2, so the moved entity's bitecs id differs from its old one.
    addEntity(space.ecs);
    addEntity(space.ecs);
    const hero = lobby.spawn(Hero, { id: 'h1' });
    const position = hero.get(Position);
    const purse = hero.get(Purse);
    position.x = 3.5;
    position.y = -2;
    const before = hero.eid;
    lobby.transfer(hero, space);
    expect(hero.alive).toBe(true);
    expect(hero.id).toBe('h1');
    expect(hero.get(Position)).toBe(position);
    expect(hero.get(Purse)).toBe(purse);
    expect(hero.eid).not.toBe(before);
    expect(space.hot(Position).x[hero.eid]).toBe(3.5);
    expect(position.y).toBe(-2);
    // Writes go to the new world's arrays.
    position.x = 9;
    expect(space.hot(Position).x[hero.eid]).toBe(9);
    expect(lobby.find('h1')).toBeUndefined();
    expect(space.find('h1')).toBe(hero);
    expect(space.entityOf(hero.eid)).toBe(hero);
    expect(lobby.entityOf(before)).toBeUndefined();
    expect(lobby.entityCount).toBe(0);
    expect(space.entityCount).toBe(1);
  });

  it('adds every component class of the entity to the target bitecs world, and none stays in the source', () => {
    const { lobby, space } = worlds();
    const hero = lobby.spawn(Hero);
    lobby.transfer(hero, space);
    for (const cls of [Position, Purse, Tag]) {
      expect([...query(space.ecs, [cls])]).toEqual([hero.eid]);
      expect([...query(lobby.ecs, [cls])]).toEqual([]);
    }
  });

  it('carries the dirty state: a dirty entity is dirty in the target, a clean one stays clean', () => {
    const { lobby, space } = worlds();
    const dirty = lobby.spawn(Hero, { id: 'dirty' });
    const clean = lobby.spawn(Hero, { id: 'clean' });
    lobby.takeDirtyOne(clean);
    lobby.transfer(dirty, space);
    lobby.transfer(clean, space);
    expect(lobby.takeDirty()).toEqual([]);
    expect(space.isDirty(dirty)).toBe(true);
    expect(space.isDirty(clean)).toBe(false);
    // Persistent fields mark the entity dirty in the world it is in now.
    space.takeDirty();
    clean.get(Purse).gold = 5;
    expect(space.takeDirty()).toEqual([clean]);
  });

  it('keeps the entity\'s timers running on a shared timer service, in the world it is in when they fire', async () => {
    const space: WorldSpace = { id: 'field-1', type: 'field', nearby: () => [] };
    const { clock, lobby, space: field } = worlds({ space });
    const hero = lobby.spawn(Hero);
    const fired: (string | undefined)[] = [];
    hero.timers.after(100, () => fired.push(hero.space?.id));
    hero.timers.schedule(200, 'toString');
    lobby.transfer(hero, field);
    field.takeDirty();
    clock.advance(100);
    await hero.queue.settle(clock, 0);
    expect(fired).toEqual(['field-1']);
    // A saved timer that fires marks the entity dirty in the world it is in now.
    clock.advance(100);
    await hero.queue.settle(clock, 0);
    expect(field.takeDirty()).toEqual([hero]);
    expect(lobby.takeDirty()).toEqual([]);
  });

  it('refuses an entity with live timers when the target runs another timer service, and changes nothing', () => {
    const { lobby, space } = worlds({ shareTimers: false });
    const hero = lobby.spawn(Hero, { id: 'h' });
    const handle = hero.timers.after(100, () => undefined);
    expect(() => lobby.transfer(hero, space)).toThrow(/live timers/);
    expect(lobby.find('h')).toBe(hero);
    hero.timers.cancel(handle);
    lobby.transfer(hero, space);
    // Its timers are made anew on the target's service.
    hero.timers.after(10, () => undefined);
    expect(space.timers.size).toBe(1);
    expect(lobby.timers.size).toBe(0);
  });

  it('refuses an entity of another world, the same world, and an id taken in the target', () => {
    const { lobby, space } = worlds();
    const hero = lobby.spawn(Hero, { id: 'h' });
    expect(() => space.transfer(hero, lobby)).toThrow(/not in this world/);
    expect(() => lobby.transfer(hero, lobby)).toThrow(/in the target world already/);
    space.spawn(Hero, { id: 'h' });
    expect(() => lobby.transfer(hero, space)).toThrow(/in use in the target world/);
    hero.destroy();
    expect(() => lobby.transfer(hero, space)).toThrow(/not in this world/);
  });

  it('gives the entity its space and its neighbours there, and none outside a space', () => {
    const near: Entity[] = [];
    const space: WorldSpace = { id: 'field-1', type: 'field', nearby: (entity, radius) => (radius > 1 ? near.filter((e) => e !== entity) : []) };
    const { lobby, space: field } = worlds({ space });
    const hero = lobby.spawn(Hero);
    const other = field.spawn(Hero);
    near.push(hero, other);
    expect(hero.space).toBeUndefined();
    expect(hero.nearby(10)).toEqual([]);
    lobby.transfer(hero, field);
    expect(hero.space).toBe(space);
    expect(hero.nearby(10)).toEqual([other]);
    expect(hero.nearby(1)).toEqual([]);
  });

  it('lets a destroyed entity leave the target world cleanly', () => {
    const { lobby, space } = worlds();
    const hero = lobby.spawn(Hero, { id: 'h' });
    lobby.transfer(hero, space);
    const eid = hero.eid;
    hero.destroy();
    expect(space.find('h')).toBeUndefined();
    expect(space.entityOf(eid)).toBeUndefined();
    expect([...query(space.ecs, [Position])]).toEqual([]);
  });
});
