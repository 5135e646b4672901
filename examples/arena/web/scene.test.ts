import { describe, expect, it } from 'vitest';
import { HERO } from '../rules.js';
import { sceneOf, type Positions, type SeenEntity } from './scene.js';

const world = (...entities: SeenEntity[]) => ({ entities: new Map(entities.map((e) => [e.id, e])) });
const none: Positions = { positionAt: () => undefined };

describe('the scene the page draws', () => {
  it('has a sprite per hero and monster at its synced position, the player\'s own hero (the one with its experience) on top', () => {
    const sprites = sceneOf(
      world(
        { id: 'me', type: 'Hero', values: { Position: { x: 1, y: 2 }, Health: { hp: HERO.maxHp }, Experience: { xp: 10 } } },
        { id: 'other', type: 'Hero', values: { Position: { x: 3, y: 4 }, Health: { hp: HERO.maxHp / 2 } } },
        { id: 'monster-1', type: 'Monster', values: { Position: { x: 5, y: 6 }, Health: { hp: 0 } } },
        { id: 'board', type: 'Leaderboard', values: {} },
      ),
      none,
      0,
    );
    expect(sprites).toEqual([
      { id: 'monster-1', kind: 'monster', x: 5, y: 6, health: 0 },
      { id: 'other', kind: 'hero', x: 3, y: 4, health: 0.5 },
      { id: 'me', kind: 'you', x: 1, y: 2, health: 1 },
    ]);
  });

  it('places each entity where the position source says at that time, and leaves out one with no position at all', () => {
    const positions: Positions = { positionAt: (id, now) => (id === 'other' ? { x: now, y: now / 2 } : undefined) };
    const sprites = sceneOf(
      world({ id: 'other', type: 'Hero', values: { Position: { x: 3, y: 4 }, Health: { hp: 1 } } }, { id: 'ghost', type: 'Monster', values: { Health: { hp: 1 } } }),
      positions,
      40,
    );
    expect(sprites).toEqual([{ id: 'other', kind: 'hero', x: 40, y: 20, health: 1 / HERO.maxHp }]);
  });
});
