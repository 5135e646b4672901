import { addComponent, query } from 'bitecs';
import { isValid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Component, type ComponentClass } from './component.js';
import { Entity } from './entity.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';

const events: string[] = [];

class Stats extends Component {
  hp = 100;
  override onAttach(): void {
    events.push('attach Stats');
  }
  override onDetach(): void {
    events.push('detach Stats');
  }
}
class Inventory extends Component {
  static override requires = [Stats];
  gold = 0;
  override onAttach(): void {
    // A component may use what it requires as soon as it is attached.
    events.push(`attach Inventory (hp ${this.entity.get(Stats).hp})`);
  }
  override onDetach(): void {
    events.push('detach Inventory');
  }
}
class Buff extends Component {}
class Hero extends Entity {
  // Listed out of order on purpose: creation follows the requirements.
  static override components = [Inventory, Stats];
  override onCreate(): void {
    events.push('create Hero');
  }
  override onDestroy(): void {
    events.push('destroy Hero');
  }
}
class Orphan extends Entity {
  static override components = [Inventory];
}
class Fragile extends Entity {
  static override components = [Stats];
  override onCreate(): void {
    throw new Error('cannot create');
  }
}

function setup() {
  events.length = 0;
  const registry = new EntityRegistry().register('Hero', Hero).register('Fragile', Fragile);
  const logger = new MemoryLogger();
  const world = new World({ logger, clock: new ManualClock(), registry });
  return { world, registry, logger };
}

describe('Entity and Component', () => {
  it('creates components in dependency order, then calls onCreate; destroys in reverse', () => {
    const { world } = setup();
    const hero = world.spawn(Hero);
    expect(events).toEqual(['attach Stats', 'attach Inventory (hp 100)', 'create Hero']);
    events.length = 0;
    world.destroy(hero);
    expect(events).toEqual(['destroy Hero', 'detach Inventory', 'detach Stats']);
    expect(world.entityCount).toBe(0);
  });

  it('finds an attached component by its class name, and nothing once destroyed', () => {
    const { world } = setup();
    const hero = world.spawn(Hero);
    expect(hero.componentNamed('Inventory')).toBe(hero.get(Inventory));
    expect(hero.componentNamed('Buff')).toBeUndefined();
    world.destroy(hero);
    expect(hero.componentNamed('Stats')).toBeUndefined();
  });

  it('gives each entity a sortable, globally unique ULID and finds it by id', () => {
    const { world } = setup();
    const a = world.spawn(Hero);
    const b = world.spawn('Hero');
    expect(isValid(a.id)).toBe(true);
    expect(a.id < b.id).toBe(true);
    expect(world.find(b.id)).toBe(b);
    expect(b.typeName).toBe('Hero');
    expect(() => world.spawn(Hero, { id: a.id })).toThrow(/in use/);
  });

  it('refuses an entity class whose component requires one it does not list', () => {
    expect(() => new EntityRegistry().register('Orphan', Orphan)).toThrow('Orphan: Inventory requires Stats, which Orphan does not list');
  });

  it('refuses unknown types and double registrations with clear errors', () => {
    const { world, registry } = setup();
    expect(() => world.spawn('Dragon')).toThrow('unknown entity type "Dragon"');
    expect(() => registry.register('Hero', Orphan)).toThrow(/registered already/);
    expect(() => registry.register('Other', Hero)).toThrow(/registered already as Hero/);
  });

  it('lets systems query entities by object components and typed-array components together', () => {
    const { world } = setup();
    const Position = { x: new Float32Array(64) };
    const hero = world.spawn(Hero);
    const idle = world.spawn(Hero);
    addComponent(world.ecs, hero.eid, Position);
    expect([...query(world.ecs, [Inventory, Position])]).toEqual([hero.eid]);
    expect([...query(world.ecs, [Stats])].sort()).toEqual([hero.eid, idle.eid].sort());
  });

  it('adds, removes and re-adds components at run time, keeping queries in step', () => {
    const { world } = setup();
    const hero = world.spawn(Hero);
    const buff = hero.add(Buff);
    expect(hero.get(Buff)).toBe(buff);
    expect(buff.entity).toBe(hero);
    expect([...query(world.ecs, [Buff])]).toEqual([hero.eid]);
    hero.remove(Buff);
    expect(hero.has(Buff)).toBe(false);
    expect(() => buff.entity).toThrow(/not attached/);
    expect([...query(world.ecs, [Buff])]).toEqual([]);
    const again = hero.add(Buff);
    expect(again).not.toBe(buff);
    expect(() => hero.add(Buff)).toThrow(/already has Buff/);
    expect(() => hero.remove(Stats)).toThrow('Inventory requires Stats, so it cannot be removed');
    hero.remove(Inventory);
    expect(() => hero.add(class Needy extends Component {
      static override requires = [Inventory];
    })).toThrow(/requires Inventory, which is not attached/);
  });

  it('never lets a destroyed entity reach the entity that reuses its numeric id', () => {
    const { world } = setup();
    const first = world.spawn(Hero);
    const inventory = first.get(Inventory);
    world.destroy(first);
    const second = world.spawn(Hero);
    expect(first.alive).toBe(false);
    expect(() => first.get(Inventory)).toThrow(/destroyed/);
    expect(() => first.id).toThrow(/destroyed/);
    expect(first.has(Inventory)).toBe(false);
    expect(() => inventory.entity).toThrow(/not attached/);
    expect(second.get(Inventory)).not.toBe(inventory);
    world.destroy(first);
    expect(world.find(second.id)).toBe(second);
  });

  it('leaves the world as it was when a hook throws during spawn', () => {
    const { world, logger } = setup();
    expect(() => world.spawn(Fragile)).toThrow('cannot create');
    expect(world.entityCount).toBe(0);
    expect([...query(world.ecs, [Stats])]).toEqual([]);
    expect(logger.at('error')).toEqual([]);
  });

  it('logs a throwing onDestroy or onDetach and removes the entity all the same', () => {
    const { world, logger } = setup();
    const hero = world.spawn(Hero);
    hero.onDestroy = () => {
      throw new Error('destroy hook bug');
    };
    hero.get(Stats).onDetach = () => {
      throw new Error('detach hook bug');
    };
    world.destroy(hero);
    expect(world.entityCount).toBe(0);
    expect(logger.at('error').map((l) => l.message)).toEqual(['onDestroy failed', 'onDetach failed']);
  });
});

describe('component declarations', () => {
  it('are checked at registration: persistent fields must be fields, callables must be methods', () => {
    class NoSuchField extends Component {
      static override persist = ['ghost'];
    }
    class MethodAsField extends Component {
      static override persist = ['act'];
      act(): void {}
    }
    class NotCallable extends Component {
      static override clientCallable = ['gold'];
      gold = 1;
    }
    const entityWith = (cls: ComponentClass) =>
      class extends Entity {
        static override components = [cls];
      };
    expect(() => new EntityRegistry().register('A', entityWith(NoSuchField))).toThrow('NoSuchField.persist: ghost is not a field');
    expect(() => new EntityRegistry().register('B', entityWith(MethodAsField))).toThrow('MethodAsField.persist: act is a method');
    expect(() => new EntityRegistry().register('C', entityWith(NotCallable))).toThrow('NotCallable.clientCallable: gold is not a method');
    expect(() => new EntityRegistry().register('Bad__Name', Hero)).toThrow(/bad type name/);
  });

  it('take hot and plain synced fields, and refuse bad sync declarations naming the class and field', () => {
    class Synced extends Component {
      static override hot = { x: 'f32', hp: 'u16' } as const;
      static override sync = { x: { quantize: 0.01 }, hp: 'public', name: 'owner', level: { to: 'owner', quantize: 1 } } as const;
      declare x: number;
      declare hp: number;
      name = '';
      level = 1;
    }
    const entityWith = (cls: ComponentClass) =>
      class extends Entity {
        static override components = [cls];
      };
    expect(() => new EntityRegistry().register('Ok', entityWith(Synced))).not.toThrow();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ghost: 'public' }, /Bad\.sync: ghost is not a field/],
      [{ act: 'public' }, /Bad\.sync: act is a method/],
      [{ name: 'everyone' }, /Bad\.sync: name is declared as "everyone"/],
      [{ name: { to: 'all' } }, /Bad\.sync: name has to: "all"/],
      [{ x: { quantize: 0 } }, /Bad\.sync: x has quantize: 0/],
      [{ x: { quantize: Infinity } }, /Bad\.sync: x has quantize: Infinity/],
      [{ x: { round: 2 } }, /Bad\.sync: x has unknown option\(s\) round/],
      [{ name: { quantize: 0.5 } }, /Bad\.sync: name is quantised but starts as string/],
    ];
    for (const [sync, message] of bad) {
      class Bad extends Component {
        static override hot = { x: 'f32' } as const;
        static override sync = sync as typeof Component.sync;
        name = 'n';
        act(): void {}
      }
      expect(() => new EntityRegistry().register('E', entityWith(Bad))).toThrow(message);
    }
    class NotObject extends Component {
      static override sync = ['x'] as unknown as typeof Component.sync;
    }
    expect(() => new EntityRegistry().register('N', entityWith(NotObject))).toThrow('NotObject.sync: not an object');
  });
});

describe('run-time components and hot fields', () => {
  class Position extends Component {
    static override hot = { x: 'f32' } as const;
    declare x: number;
  }
  class Spawned extends Component {
    static override hot = { level: 'u8' } as const;
    declare level: number;
    constructor() {
      super();
      this.level = 3;
    }
  }
  class Broken extends Component {
    override onAttach(): void {
      throw new Error('attach bug');
    }
  }
  class Saved extends Component {
    static override persist = ['n'];
    n = 0;
  }
  class Walker extends Entity {
    static override components = [Position, Spawned];
  }

  function walkers() {
    const registry = new EntityRegistry().register('Walker', Walker);
    return new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry });
  }

  it('takes a component off again when its onAttach throws during add', () => {
    const world = walkers();
    const w = world.spawn(Walker);
    expect(() => w.add(Broken)).toThrow('attach bug');
    expect(w.has(Broken)).toBe(false);
    expect([...query(world.ecs, [Broken])]).toEqual([]);
  });

  it('refuses to add a component with persistent fields at run time', () => {
    const w = walkers().spawn(Walker);
    expect(() => w.add(Saved)).toThrow(/has persistent fields; list it in Walker.components/);
  });

  it('cuts a detached component off the hot slot its entity had', () => {
    const world = walkers();
    const first = world.spawn(Walker);
    const kept = first.get(Position);
    world.destroy(first);
    const second = world.spawn(Walker);
    expect(() => (kept.x = 99)).toThrow(/not attached/);
    expect(second.get(Position).x).toBe(0);
  });

  it('lists every registered type in registration order', () => {
    const registry = new EntityRegistry().register('Walker', Walker).register('Hero', Hero);
    expect(registry.entries().map((r) => [r.name, r.cls])).toEqual([
      ['Walker', Walker],
      ['Hero', Hero],
    ]);
  });

  it('starts a hot field from a value its constructor set', () => {
    const w = walkers().spawn(Walker);
    expect(w.get(Spawned).level).toBe(3);
  });
});
