import { WorldMirror, type SyncEnter } from 'tessera/client';
import { describe, expect, it } from 'vitest';
import { directionTo, distance, experienceOf, hpOf, nearestMonster, ownHero, positionOf, turned } from './sight.js';

const FIELD = { id: 'field@lobby-1', type: 'field', tickHz: 20 };

function hero(net: number, id: string, x: number, y: number, own = false): SyncEnter {
  return { net, id, type: 'Hero', values: { Position: { x, y }, Health: { hp: 100 }, ...(own ? { Experience: { xp: 20, kills: 2, deaths: 1 } } : {}) } };
}

function monster(net: number, id: string, x: number, y: number, hp = 50): SyncEnter {
  return { net, id, type: 'Monster', values: { Position: { x, y }, Health: { hp } } };
}

/** A mirror holding `entities`, as after a snapshot of the field. */
function seeing(...entities: SyncEnter[]): WorldMirror {
  const world = new WorldMirror();
  world.apply({ tick: 1, snapshot: true, space: FIELD, enter: entities, change: [], leave: [] });
  return world;
}

describe('what a bot reads of the arena from its mirror', () => {
  it('finds its own hero by the experience only its owner is sent, trying the id it knew first', () => {
    const world = seeing(hero(1, 'other', 10, 10), hero(2, 'me', 50, 50, true));
    expect(ownHero(world)?.id).toBe('me');
    expect(ownHero(world, 'me')?.id).toBe('me');
    expect(ownHero(world, 'gone')?.id).toBe('me');
    expect(ownHero(seeing(hero(1, 'other', 10, 10)))).toBeUndefined();
  });

  it('reads positions, health and experience, with nothing synced read as absent or 0', () => {
    const world = seeing(hero(1, 'me', 50, 40, true), { net: 2, id: 'bare', type: 'Monster', values: {} });
    const me = world.get('me')!;
    expect(positionOf(me)).toEqual({ x: 50, y: 40 });
    expect(hpOf(me)).toBe(100);
    expect([experienceOf(me, 'xp'), experienceOf(me, 'kills'), experienceOf(me, 'deaths')]).toEqual([20, 2, 1]);
    const bare = world.get('bare')!;
    expect(positionOf(bare)).toBeUndefined();
    expect(hpOf(bare)).toBe(0);
    expect(experienceOf(bare, 'xp')).toBe(0);
  });

  it('picks the nearest living monster within range, never a downed one or a hero', () => {
    const world = seeing(hero(1, 'near-hero', 51, 50), monster(2, 'downed', 50, 51, 0), monster(3, 'close', 53, 50), monster(4, 'far', 70, 50));
    expect(nearestMonster(world, { x: 50, y: 50 })?.id).toBe('close');
    expect(nearestMonster(world, { x: 50, y: 50 }, 2)).toBeUndefined();
    expect(nearestMonster(world, { x: 69, y: 50 }, 5)?.id).toBe('far');
  });

  it('steers by unit directions rounded to hundredths, and stops on arrival', () => {
    expect(directionTo({ x: 0, y: 0 }, { x: 3, y: 4 }, 1)).toEqual({ x: 0.6, y: 0.8 });
    expect(directionTo({ x: 0, y: 0 }, { x: 0.5, y: 0 }, 1)).toEqual({ x: 0, y: 0 });
    expect(distance({ x: 0, y: 0 }, { x: 3, y: 4 })).toBe(5);
  });

  it('calls a direction turned when it changed past the tolerance or when walking starts or stops', () => {
    expect(turned({ x: 1, y: 0 }, { x: 0.9, y: 0.1 })).toBe(false);
    expect(turned({ x: 1, y: 0 }, { x: 0.6, y: 0.8 })).toBe(true);
    expect(turned({ x: 0, y: 0 }, { x: 0.01, y: 0 })).toBe(true);
    expect(turned({ x: 0.01, y: 0 }, { x: 0, y: 0 })).toBe(true);
    expect(turned({ x: 0, y: 0 }, { x: 0, y: 0 })).toBe(false);
  });
});
