import { describe, expect, it } from 'vitest';
import type { View } from '../arena-service.js';
import { LookFeed } from './look-feed.js';

describe('the look feed', () => {
  it('holds what arena.look answered in the world mirror\'s shape, the player\'s hero with its experience', async () => {
    const view: View = {
      you: { id: 'me', x: 1, y: 2, hp: 100, xp: 10, kills: 1, deaths: 0 },
      heroes: [{ id: 'other', x: 3, y: 4, hp: 50 }],
      monsters: [{ id: 'monster-1', x: 5, y: 6, hp: 0 }],
    };
    const feed = new LookFeed({ request: async <T>() => view as T });
    await feed.look();
    expect([...feed.entities.values()]).toEqual([
      { id: 'monster-1', type: 'Monster', values: { Position: { x: 5, y: 6 }, Health: { hp: 0 } } },
      { id: 'other', type: 'Hero', values: { Position: { x: 3, y: 4 }, Health: { hp: 50 } } },
      { id: 'me', type: 'Hero', values: { Position: { x: 1, y: 2 }, Health: { hp: 100 }, Experience: { xp: 10, kills: 1, deaths: 0 } } },
    ]);
    expect(feed.positionAt('other')).toEqual({ x: 3, y: 4 });
    expect(feed.positionAt('nobody')).toBeUndefined();
  });

  it('shares a look still in flight instead of asking again, and asks again once it is answered or failed', async () => {
    const answers: ((view: View) => void)[] = [];
    const fails: ((err: Error) => void)[] = [];
    const feed = new LookFeed({
      request: <T>() => new Promise<T>((resolve, reject) => {
        answers.push(resolve as (view: View) => void);
        fails.push(reject);
      }),
    });
    const first = feed.look();
    expect(feed.look()).toBe(first);
    answers[0]!({ heroes: [], monsters: [{ id: 'monster-2', x: 0, y: 0, hp: 1 }] });
    await first;
    expect([...feed.entities.keys()]).toEqual(['monster-2']);
    const second = feed.look();
    expect(answers).toHaveLength(2);
    fails[1]!(new Error('connection closed'));
    await expect(second).rejects.toThrow('connection closed');
    void feed.look();
    expect(answers).toHaveLength(3);
  });
});
