import { describe, expect, it } from 'vitest';
import { Component } from '../../engine/ecs/component.js';
import { defineGame, type GameDefinition } from '../define-game.js';
import { defineSpace } from '../define-space.js';
import { PlayerEntity } from '../player-entity.js';
import { Service } from '../service.js';
import { compareGames, type LiveCounts } from './compare-games.js';
import { loadedClasses } from './reload-fixtures.js';

// The live code.
class Health extends Component {
  static override persist = ['hp', 'name'];
  static override hot = { regen: 'f32' } as const;
  hp = 10;
  name = '';
  heal(): number {
    return (this.hp += 1);
  }
}
class Bag extends Component {
  static override persist = ['items'];
  items: string[] = [];
}
class Hero extends PlayerEntity {
  static override components = [Health, Bag];
}
class Shop extends Service {
  static override clientCallable = ['buy'];
  buy(): string {
    return 'sold';
  }
}
const live = defineGame({
  name: 'test',
  entities: { Hero },
  player: Hero,
  services: { shop: Shop },
  spaces: { field: defineSpace({ tickHz: 10 }) },
  systems: [function movement() {}],
});

const none: LiveCounts = { entities: () => 0, spaces: () => 0 };
const heroes: LiveCounts = { entities: (type) => (type === 'Hero' ? 3 : 0), spaces: (type) => (type === 'field' ? 1 : 0) };

/** The new code: a Health written by `health`, the rest as live unless given. */
function next(health: Function, parts: Partial<GameDefinition> = {}): { game: GameDefinition; classes: ReturnType<typeof loadedClasses> } {
  return { game: defineGame({ ...live, ...parts }), classes: loadedClasses([[Health, health]]) };
}

describe('compareGames', () => {
  it('takes a changed method, a new system, a new service and a new entity type', () => {
    class Health2 extends Component {
      static override persist = ['hp', 'name'];
      static override hot = { regen: 'f32' } as const;
      hp = 10;
      name = '';
      heal(): number {
        return (this.hp += 2);
      }
    }
    class Npc extends PlayerEntity {}
    class Bank extends Service {}
    const { game, classes } = next(Health2, {
      entities: { Hero, Npc },
      services: { shop: Shop, bank: Bank },
      systems: [function movement() {}, function regen() {}],
    });
    expect(compareGames(live, game, classes, heroes)).toEqual({
      changed: ['entity Npc added', 'component Health', 'service bank added', 'system regen added'],
      refused: [],
    });
  });

  it('takes a persisted field added with a default, and refuses one that starts as an object', () => {
    class WithLevel extends Component {
      static override persist = ['hp', 'name', 'level'];
      static override hot = { regen: 'f32' } as const;
      hp = 10;
      name = '';
      level = 1;
    }
    class WithList extends Component {
      static override persist = ['hp', 'name', 'log'];
      static override hot = { regen: 'f32' } as const;
      hp = 10;
      name = '';
      log: string[] = [];
    }
    expect(compareGames(live, next(WithLevel).game, next(WithLevel).classes, heroes).refused).toEqual([]);
    expect(compareGames(live, next(WithLevel).game, next(WithLevel).classes, heroes).changed).toContain('component Health: persisted field level added');
    expect(compareGames(live, next(WithList).game, next(WithList).classes, heroes).refused).toEqual(['class Health: new field log starts as array, not a number, string, boolean or null']);
  });

  it('refuses, naming each, a persisted field removed or retyped and hot fields changed', () => {
    class Health2 extends Component {
      static override persist = ['hp'];
      static override hot = { regen: 'f32', armour: 'u8' } as const;
      hp = '10';
    }
    const { game, classes } = next(Health2);
    expect(compareGames(live, game, classes, heroes).refused).toEqual([
      'component Health: hot fields changed (their typed arrays are laid out at start)',
      'component Health: persisted field hp retyped from number to string',
      'component Health: persisted field name removed',
    ]);
  });

  it('refuses a component removed from an entity type, a live type removed, a new player type, a service removed', () => {
    class Hero2 extends PlayerEntity {
      static override components = [Health];
    }
    const classes = loadedClasses([[Hero, Hero2]]);
    const game = defineGame({ ...live, entities: { Hero } });
    expect(compareGames(live, game, classes, heroes).refused).toEqual(['entity Hero: component Bag removed']);

    class Rogue extends PlayerEntity {}
    const other = defineGame({ ...live, entities: { Rogue }, player: Rogue, services: {} });
    expect(compareGames(live, other, loadedClasses([]), heroes).refused).toEqual(['player type changed from Hero to Rogue', 'entity Hero removed while 3 are live', 'service shop removed']);
    expect(compareGames(live, other, loadedClasses([]), none).refused).toEqual(['player type changed from Hero to Rogue', 'service shop removed']);
  });

  it('refuses a live space type removed or retimed, and takes new hooks', () => {
    const hook = (): void => undefined;
    const retimed = defineGame({ ...live, spaces: { field: defineSpace({ tickHz: 20, onEmpty: hook }) } });
    expect(compareGames(live, retimed, loadedClasses([]), heroes)).toEqual({ changed: ['space field: onEmpty'], refused: ['space field: tickHz changed'] });
    const gone = defineGame({ ...live, spaces: {} });
    expect(compareGames(live, gone, loadedClasses([]), heroes).refused).toEqual(['space field removed while 1 are live']);
    expect(compareGames(live, gone, loadedClasses([]), none).refused).toEqual([]);
  });

  it('takes new client-callable methods of a service, and refuses a changed base class', () => {
    class Shop2 extends Service {
      static override clientCallable = ['buy', 'sell'];
      buy(): string {
        return 'sold';
      }
      sell(): string {
        return 'bought';
      }
    }
    const game = defineGame({ ...live, services: { shop: Shop2 } });
    expect(compareGames(live, game, loadedClasses([[Shop, Shop2]]), heroes)).toEqual({ changed: ['service Shop', 'service shop: clientCallable'], refused: [] });
    class Rebased extends Bag {}
    expect(compareGames(live, live, loadedClasses([[Health, Rebased]]), heroes).refused).toContain('class Health: its base class changed');
  });
});
