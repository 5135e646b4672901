/**
 * What a bot reads of the arena from its world mirror (`bot.world`, synced by the server every
 * tick): its own hero, where things are, who is standing, the nearest monster worth hunting, and
 * which way to steer. Pure functions of the mirror, so that the play scenario stays about what a
 * player does.
 */
import type { MirrorEntity, WorldMirror } from 'tessera/client';

/** A point in world units. */
export interface Point {
  x: number;
  y: number;
}

/**
 * The player's own hero: the hero whose owner-only values (its experience) reach this client.
 * `knownId` (the id found last time) is tried first, so that the usual case does not scan.
 */
export function ownHero(world: WorldMirror, knownId?: string): MirrorEntity | undefined {
  const known = knownId === undefined ? undefined : world.get(knownId);
  if (known) return known;
  for (const entity of world.entities.values()) {
    if (entity.type === 'Hero' && entity.values['Experience'] !== undefined) return entity;
  }
  return undefined;
}

/** Where `entity` is, or undefined before its position was synced. */
export function positionOf(entity: MirrorEntity): Point | undefined {
  const at = entity.values['Position'];
  const x = Number(at?.['x']);
  const y = Number(at?.['y']);
  return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : undefined;
}

/** Hit points of `entity` (0 when not synced yet). */
export function hpOf(entity: MirrorEntity): number {
  const hp = Number(entity.values['Health']?.['hp']);
  return Number.isFinite(hp) ? hp : 0;
}

/** A numeric owner-only value of the hero's experience: `xp`, `kills` or `deaths` (0 when absent). */
export function experienceOf(hero: MirrorEntity, field: 'xp' | 'kills' | 'deaths'): number {
  const value = Number(hero.values['Experience']?.[field]);
  return Number.isFinite(value) ? value : 0;
}

/** The distance between two points. */
export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The nearest living monster within `range` of `from`, if any. */
export function nearestMonster(world: WorldMirror, from: Point, range = Infinity): MirrorEntity | undefined {
  let best: MirrorEntity | undefined;
  let bestDistance = range;
  for (const entity of world.entities.values()) {
    if (entity.type !== 'Monster' || hpOf(entity) <= 0) continue;
    const at = positionOf(entity);
    if (!at) continue;
    const d = distance(at, from);
    if (d <= bestDistance) {
      best = entity;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The direction to walk from `from` to `to`: a unit vector, rounded to hundredths so that nearly
 * equal directions compare equal, or (0, 0) within `arrivedWithin` of `to`.
 */
export function directionTo(from: Point, to: Point, arrivedWithin: number): Point {
  const d = distance(from, to);
  if (d <= arrivedWithin) return { x: 0, y: 0 };
  return { x: Math.round(((to.x - from.x) / d) * 100) / 100, y: Math.round(((to.y - from.y) / d) * 100) / 100 };
}

/** True when two directions differ by more than `tolerance` in either axis, or one is a stop and the other not. */
export function turned(a: Point, b: Point, tolerance = 0.2): boolean {
  const stopA = a.x === 0 && a.y === 0;
  const stopB = b.x === 0 && b.y === 0;
  if (stopA !== stopB) return true;
  return Math.abs(a.x - b.x) > tolerance || Math.abs(a.y - b.y) > tolerance;
}
