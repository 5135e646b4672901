/**
 * The world as the page sees it, from `arena.look` asked at a steady pace: the player's hero,
 * the other heroes and the monsters of its lobby, kept in the world mirror's shape (scene.ts).
 * Positions are the last ones looked at.
 */
import type { View } from '../arena-service.js';
import type { Positions, SeenEntity, SeenWorld } from './scene.js';

/** What the feed needs of a connected client. */
export interface Looker {
  request<T>(route: string, ...args: unknown[]): Promise<T>;
}

/** The entities of the last `arena.look`, by id. */
export class LookFeed implements SeenWorld, Positions {
  private seen = new Map<string, SeenEntity>();
  private looking: Promise<void> | undefined;

  constructor(private readonly client: Looker) {}

  get entities(): ReadonlyMap<string, SeenEntity> {
    return this.seen;
  }

  /** Asks `arena.look` and replaces what the feed holds; a look still in flight is shared, not repeated. */
  look(): Promise<void> {
    this.looking ??= this.client.request<View>('arena.look').then(
      (view) => {
        this.looking = undefined;
        this.seen = entitiesOf(view);
      },
      (err: unknown) => {
        this.looking = undefined;
        throw err;
      },
    );
    return this.looking;
  }

  positionAt(id: string): { x: number; y: number } | undefined {
    const position = this.seen.get(id)?.values['Position'];
    return position ? { x: position['x'] as number, y: position['y'] as number } : undefined;
  }
}

function entitiesOf(view: View): Map<string, SeenEntity> {
  const entities = new Map<string, SeenEntity>();
  const add = (type: string, { id, x, y, hp }: { id: string; x: number; y: number; hp: number }, own?: Record<string, unknown>): void => {
    entities.set(id, { id, type, values: { Position: { x, y }, Health: { hp }, ...(own ? { Experience: own } : {}) } });
  };
  for (const monster of view.monsters) add('Monster', monster);
  for (const hero of view.heroes) add('Hero', hero);
  if (view.you) add('Hero', view.you, { xp: view.you.xp, kills: view.you.kills, deaths: view.you.deaths });
  return entities;
}
