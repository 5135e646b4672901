import { describe, expect, it } from 'vitest';
import { Component } from '../engine/ecs/component.js';
import { defineSpace, isSpaceDefinition, type SpaceDefinition } from './define-space.js';

class Position extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
}
class Flat extends Component {
  static override hot = { x: 'f32' } as const;
}
const move = (): void => undefined;

const refusal = (space: unknown): string => {
  try {
    defineSpace(space as SpaceDefinition);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('defineSpace', () => {
  it('returns the declaration frozen and recognisable', () => {
    const space = defineSpace({ systems: [move, { name: 'ai', run: move, hz: 5 }], tickHz: 10, maxPlayers: 4, persist: true, emptyGraceMs: 0, interest: { position: Position, cellSize: 8, viewRadius: 16 }, onCreate: () => undefined });
    expect(Object.isFrozen(space)).toBe(true);
    expect(isSpaceDefinition(space)).toBe(true);
    expect(isSpaceDefinition({ tickHz: 10 })).toBe(false);
    expect(isSpaceDefinition(defineSpace({}))).toBe(true);
  });

  it('refuses systems as defineGame does, and one faster than the space ticks', () => {
    expect(refusal({ systems: [() => undefined] })).toContain('every system needs a name');
    expect(refusal({ systems: [move, { name: 'move', run: move }] })).toContain('two systems are named move');
    expect(refusal({ systems: [{ name: 'ai' }] })).toContain('system ai has no run function');
    expect(refusal({ systems: [{ name: 'ai', run: move, hz: -1 }] })).toContain('hz must be a positive number');
    expect(refusal({ tickHz: 10, systems: [{ name: 'ai', run: move, hz: 20 }] })).toContain("hz 20 is above the space's tickHz 10");
    expect(refusal({ systems: 'move' })).toContain('systems must be an array');
  });

  it('refuses a rate, a cap, a grace period or a persist flag out of range', () => {
    expect(refusal({ tickHz: 0 })).toContain('tickHz must be 1 to 1000');
    expect(refusal({ tickHz: 2_000 })).toContain('tickHz must be 1 to 1000');
    expect(refusal({ maxPlayers: 0 })).toContain('maxPlayers must be an integer >= 1');
    expect(refusal({ maxPlayers: 2.5 })).toContain('maxPlayers must be an integer >= 1');
    expect(refusal({ emptyGraceMs: -1 })).toContain('emptyGraceMs must be an integer >= 0');
    expect(refusal({ persist: 'yes' })).toContain('persist must be true or false');
  });

  it('refuses an interest grid without a position component of hot x and y, or without positive sizes', () => {
    expect(refusal({ interest: { position: Flat, cellSize: 8, viewRadius: 8 } })).toContain('hot fields x and y');
    expect(refusal({ interest: { position: {}, cellSize: 8, viewRadius: 8 } })).toContain('hot fields x and y');
    expect(refusal({ interest: { position: Position, cellSize: 0, viewRadius: 8 } })).toContain('interest.cellSize must be a positive number');
    expect(refusal({ interest: { position: Position, cellSize: 8, viewRadius: Infinity } })).toContain('interest.viewRadius must be a positive number');
    expect(refusal({ interest: 'grid' })).toContain('interest must be');
    expect(refusal({ interest: { position: Position, cellSize: 1, viewRadius: 33 } })).toContain('interest.viewRadius 33 spans more than 32 cells of 1');
  });

  it('refuses hooks that are not functions, and a definition that is not an object', () => {
    for (const hook of ['onCreate', 'onPlayerEnter', 'onPlayerLeave', 'onEmpty', 'onDrain']) expect(refusal({ [hook]: 1 })).toContain(`${hook} must be a function`);
    expect(refusal(null)).toContain('the definition must be an object');
  });
});
