import { describe, expect, it } from 'vitest';
import { Component } from '../../engine/ecs/component.js';
import { Entity } from '../../engine/ecs/entity.js';
import { EntityRegistry } from '../../engine/ecs/entity-registry.js';
import { World } from '../../engine/ecs/world.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { ManualClock } from '../../engine/timer/clock.js';
import { patchClasses } from './patch-classes.js';
import { loadedClasses } from './reload-fixtures.js';

class Base extends Component {
  describe(): string {
    return 'base';
  }
}
class Health extends Base {
  static override persist = ['hp'];
  static override hot = { regen: 'f32' } as const;
  static override clientCallable = ['heal'];
  declare regen: number;
  hp = 10;
  heal(): number {
    return (this.hp += 1);
  }
  old(): string {
    return 'old';
  }
}
class Hero extends Entity {
  static override components = [Health];
  greet(): string {
    return 'hi';
  }
}

function world(): World {
  return new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry().register('Hero', Hero) });
}

describe('patchClasses', () => {
  it('gives live objects the new methods and callable lists; they keep identity, state and instanceof', () => {
    const w = world();
    const hero = w.spawn(Hero);
    const health = hero.get(Health);
    health.heal();
    class Health2 extends Base {
      static override persist = ['hp'];
      static override hot = { regen: 'f32' } as const;
      static override clientCallable = ['heal', 'boost'];
      hp = 10;
      heal(): number {
        return (this.hp += 5);
      }
      boost(): string {
        return `${super.describe()} boosted`;
      }
    }
    class Hero2 extends Entity {
      greet(): string {
        return 'hello';
      }
    }
    patchClasses(loadedClasses([[Health, Health2], [Hero, Hero2]]).pairs, w.list());
    expect(hero.get(Health)).toBe(health);
    expect(health.heal()).toBe(16);
    expect((health as unknown as Health2).boost()).toBe('base boosted');
    expect('old' in health).toBe(false);
    expect(Health.clientCallable).toEqual(['heal', 'boost']);
    expect(hero.greet()).toBe('hello');
    expect(health).toBeInstanceOf(Health);
    // The engine's hot-field accessors stay.
    health.regen = 2;
    expect(health.regen).toBe(2);
  });

  it('starts new fields at their initial values, and watches a new persisted one on live entities', () => {
    const w = world();
    const hero = w.spawn(Hero);
    w.takeDirty();
    class Health2 extends Base {
      static override persist = ['hp', 'shield'];
      static override hot = { regen: 'f32' } as const;
      hp = 10;
      shield = 3;
      combo = 0;
    }
    patchClasses(loadedClasses([[Health, Health2]]).pairs, w.list());
    const health = hero.get(Health) as unknown as Health2;
    expect([health.shield, health.combo]).toEqual([3, 0]);
    health.shield = 4;
    expect(w.takeDirty()).toEqual([hero]);
    expect(hero.persistentData()).toMatchObject({ Health: { hp: 10, shield: 4 } });
    // An entity made after the reload starts with the field too.
    expect(w.spawn(Hero).persistentData()).toMatchObject({ Health: { hp: 10, shield: 3 } });
  });
});
