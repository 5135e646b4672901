/**
 * What the page draws, as plain data: one sprite per hero and monster the player sees, where it
 * is at the moment drawn. It reads a world as the SDK's world mirror (`client.world`) holds it,
 * values by component and field, and positions from a source that may interpolate between
 * server ticks.
 */
import { HERO, MONSTER } from '../rules.js';

/** One entity the player sees: the shape of the SDK's mirror entities. */
export interface SeenEntity {
  readonly id: string;
  /** Its type name: `Hero`, `Monster`, … */
  readonly type: string;
  /** Synced values: component name → field → value. */
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** What the player sees: the shape of the SDK's world mirror. */
export interface SeenWorld {
  readonly entities: ReadonlyMap<string, SeenEntity>;
}

/** Where each entity is at a given time: the shape of the SDK's interpolator. */
export interface Positions {
  positionAt(id: string, nowMs: number): { x: number; y: number } | undefined;
}

/** Who a sprite is to the player. */
export type SpriteKind = 'you' | 'hero' | 'monster';

/** One thing to draw, in world units. */
export interface Sprite {
  id: string;
  kind: SpriteKind;
  x: number;
  y: number;
  /** Health left, from 0 to 1. */
  health: number;
}

// Drawn in this order, so that the player's own hero is always on top.
const LAYER: Readonly<Record<SpriteKind, number>> = { monster: 0, hero: 1, you: 2 };

/**
 * The sprites of `world` at `nowMs`: heroes and monsters with a position, the player's own hero
 * last. The player's own hero is the one whose owner-only values (its experience) reach this
 * client.
 */
export function sceneOf(world: SeenWorld, positions: Positions, nowMs: number): Sprite[] {
  const sprites: Sprite[] = [];
  for (const entity of world.entities.values()) {
    const kind = kindOf(entity);
    if (!kind) continue;
    const at = positions.positionAt(entity.id, nowMs) ?? positionOf(entity);
    if (!at) continue;
    const hp = Number(entity.values['Health']?.['hp'] ?? 0);
    const maxHp = kind === 'monster' ? MONSTER.maxHp : HERO.maxHp;
    sprites.push({ id: entity.id, kind, x: at.x, y: at.y, health: Math.min(1, Math.max(0, hp / maxHp)) });
  }
  return sprites.sort((a, b) => LAYER[a.kind] - LAYER[b.kind]);
}

function kindOf(entity: SeenEntity): SpriteKind | undefined {
  if (entity.type === 'Monster') return 'monster';
  if (entity.type !== 'Hero') return undefined;
  return entity.values['Experience'] === undefined ? 'hero' : 'you';
}

/** The entity's last synced position, if it has one. */
export function positionOf(entity: SeenEntity): { x: number; y: number } | undefined {
  const position = entity.values['Position'];
  const x = position?.['x'];
  const y = position?.['y'];
  return typeof x === 'number' && typeof y === 'number' ? { x, y } : undefined;
}
