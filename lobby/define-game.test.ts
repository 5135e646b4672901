import { describe, expect, it } from 'vitest';
import { Entity } from '../engine/ecs/entity.js';
import { defineGame, type GameDefinition } from './define-game.js';
import { defineSpace } from './define-space.js';
import { PlayerEntity } from './player-entity.js';
import { Service } from './service.js';

class Hero extends PlayerEntity {}
class Rock extends Entity {}
class Shop extends Service {}
const move = (): void => undefined;

const base: GameDefinition = { name: 'demo', entities: { Hero, Rock }, player: Hero };
const refusal = (game: unknown): string => {
  try {
    defineGame(game as GameDefinition);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('defineGame', () => {
  it('returns the definition frozen', () => {
    const game = defineGame({ ...base, systems: [move, { name: 'ai', run: move, hz: 5 }], services: { shop: Shop }, onStart: () => undefined });
    expect(Object.isFrozen(game)).toBe(true);
    expect(game.services).toEqual({ shop: Shop });
  });

  it('refuses a bad name, and a player type that is not listed or not a PlayerEntity', () => {
    expect(refusal({ ...base, name: '../etc' })).toContain('bad name');
    expect(refusal({ ...base, entities: { Rock } })).toContain('player must be one of the classes listed in entities');
    expect(refusal({ ...base, player: Rock })).toContain('Rock does not extend PlayerEntity');
  });

  it('refuses systems without a name, twice the same name, without a run function, or with a bad rate', () => {
    expect(refusal({ ...base, systems: [() => undefined] })).toContain('every system needs a name');
    expect(refusal({ ...base, systems: [move, { name: 'move', run: move }] })).toContain('two systems are named move');
    expect(refusal({ ...base, systems: [{ name: 'ai' }] })).toContain('system ai has no run function');
    expect(refusal({ ...base, systems: [{ name: 'ai', run: move, hz: 0 }] })).toContain('hz must be a positive number');
  });

  it('refuses services that are not Service classes and hooks that are not functions', () => {
    expect(refusal({ ...base, services: { shop: { buy: () => 1 } } })).toContain('service shop is not a Service class');
    expect(refusal({ ...base, onStart: 'go' })).toContain('onStart must be a function');
    expect(refusal({ ...base, services: { sessions: Shop } })).toContain("service name sessions is the engine's own");
  });

  it('takes space types made by defineSpace and a start space among them', () => {
    const field = defineSpace({ tickHz: 10 });
    const game = defineGame({ ...base, spaces: { field, 'match-2v2': defineSpace({}) }, startSpace: 'field' });
    expect(game.spaces?.field).toBe(field);
    expect(game.startSpace).toBe('field');
  });

  it('refuses space types with a bad name or not made by defineSpace, and a start space that is not declared', () => {
    expect(refusal({ ...base, spaces: { 'a b': defineSpace({}) } })).toContain('bad space type name "a b"');
    expect(refusal({ ...base, spaces: { field: { tickHz: 10 } } })).toContain('space field is not made by defineSpace');
    expect(refusal({ ...base, spaces: 'field' })).toContain('spaces must map space type names');
    expect(refusal({ ...base, startSpace: 'field' })).toContain('startSpace "field" is not one of the space types declared in spaces');
    expect(refusal({ ...base, spaces: { field: defineSpace({}) }, startSpace: 'toString' })).toContain('is not one of the space types');
  });

  it('takes global entities of listed types, their id defaulting to their name', () => {
    expect(refusal({ ...base, globals: { boss: { type: 'Rock' }, 'arena.board': { type: 'Rock', id: 'board-1' } } })).toBe('accepted');
  });

  it('refuses globals with a bad name, a type not listed, a bad id, or an id another global has', () => {
    expect(refusal({ ...base, globals: 'boss' })).toContain('globals must map global names');
    expect(refusal({ ...base, globals: { 'no space': { type: 'Rock' } } })).toContain('bad global name "no space"');
    expect(refusal({ ...base, globals: { boss: 'Rock' } })).toContain('global boss must be { type, id? }');
    expect(refusal({ ...base, globals: { boss: { type: 'Dragon' } } })).toContain('global boss: type "Dragon" is not one of the entities');
    expect(refusal({ ...base, globals: { boss: { type: 'toString' } } })).toContain('is not one of the entities');
    expect(refusal({ ...base, globals: { boss: { type: 'Rock', id: '' } } })).toContain('global boss: id must be a string of 1-128 characters');
    expect(refusal({ ...base, globals: { boss: { type: 'Rock' }, other: { type: 'Rock', id: 'boss' } } })).toContain('two globals have the id "boss"');
  });
});
