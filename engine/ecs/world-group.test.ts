import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { TimerService } from '../timer/timer-service.js';
import { Component } from './component.js';
import { Entity } from './entity.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';
import { WorldGroup } from './world-group.js';

class Purse extends Component {
  static override persist = ['gold'];
  gold = 0;
}

class Hero extends Entity {
  static override components = [Purse];
}

class Monster extends Entity {
  static override components = [Purse];
}

function group() {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const registry = new EntityRegistry().register('Hero', Hero).register('Monster', Monster);
  const timers = new TimerService({ clock, logger });
  const world = (): World => new World({ clock, logger, registry, timers });
  const home = world();
  const field = world();
  const match = world();
  const worlds = new WorldGroup(home);
  worlds.add(field);
  // A match keeps its heroes only.
  worlds.add(match, { saves: (entity) => entity instanceof Hero });
  return { worlds, home, field, match };
}

describe('WorldGroup', () => {
  it('finds and lists entities in every world, and counts them all', () => {
    const { worlds, home, field, match } = group();
    const a = home.spawn(Hero, { id: 'a' });
    const b = field.spawn(Monster, { id: 'b' });
    const c = match.spawn(Hero, { id: 'c' });
    expect(worlds.find('a')).toBe(a);
    expect(worlds.find('b')).toBe(b);
    expect(worlds.find('c')).toBe(c);
    expect(worlds.find('d')).toBeUndefined();
    expect(worlds.list().sort((x, y) => x.id.localeCompare(y.id))).toEqual([a, b, c]);
    expect(worlds.entityCount).toBe(3);
    expect(worlds.worlds()[0]).toBe(home);
  });

  it('spawns into the home world, and marks, tests and destroys an entity in the world it is in now', () => {
    const { worlds, home, field } = group();
    const hero = worlds.spawn(Hero, { id: 'h' });
    expect(home.find('h')).toBe(hero);
    home.transfer(hero, field);
    expect(worlds.worldOf(hero)).toBe(field);
    field.takeDirty();
    worlds.markDirty(hero);
    expect(field.isDirty(hero)).toBe(true);
    expect(worlds.isDirty(hero)).toBe(true);
    worlds.takeDirtyOne(hero);
    expect(worlds.isDirty(hero)).toBe(false);
    worlds.destroy(hero);
    expect(hero.alive).toBe(false);
    expect(worlds.isDirty(hero)).toBe(false);
    expect(worlds.worldOf(hero)).toBeUndefined();
  });

  it('counts and takes the dirty entities of every world, leaving out those a world does not save', () => {
    const { worlds, home, field, match } = group();
    const a = home.spawn(Hero);
    const b = field.spawn(Monster);
    const hero = match.spawn(Hero);
    match.spawn(Monster);
    expect(worlds.countDirty()).toBe(3);
    expect(match.countDirty()).toBe(2);
    expect(new Set(worlds.takeDirty())).toEqual(new Set([a, b, hero]));
    expect(worlds.countDirty()).toBe(0);
    expect(worlds.takeDirty()).toEqual([]);
    expect(match.takeDirty()).toEqual([]);
  });

  it('hands critical changes of every world, added before or after the listener, to its one listener, except those not saved', () => {
    const { worlds, field, match } = group();
    const critical: Entity[] = [];
    worlds.onCritical((entity) => critical.push(entity));
    const later = new World({ clock: new ManualClock(), logger: new MemoryLogger(), registry: new EntityRegistry().register('Hero', Hero) });
    worlds.add(later);
    const a = field.spawn(Monster);
    const b = later.spawn(Hero);
    const hero = match.spawn(Hero);
    const monster = match.spawn(Monster);
    for (const entity of [a, b, hero, monster]) entity.markDirty({ critical: true });
    expect(critical).toEqual([a, b, hero]);
    expect(() => worlds.onCritical(() => undefined)).toThrow(/set already/);
  });

  it('stops reaching a removed world, never removes the home world, and adds a world once', () => {
    const { worlds, home, field } = group();
    const monster = field.spawn(Monster, { id: 'm' });
    worlds.remove(field);
    expect(worlds.has(field)).toBe(false);
    expect(worlds.find('m')).toBeUndefined();
    expect(worlds.worldOf(monster)).toBeUndefined();
    expect(() => worlds.remove(home)).toThrow(/home world stays/);
    expect(() => worlds.add(home)).toThrow(/in the group already/);
  });
});
