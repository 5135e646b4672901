/**
 * What the ECS knows of a space (a scene, a match, the open world): a world can belong to one,
 * and its entities reach it as `entity.space` and `entity.nearby(radius)`. The lobby's spaces
 * (lobby/space.ts) implement it; engine/ecs knows nothing more of them.
 */
import type { Entity } from './entity.js';

/** The space a world belongs to, as its entities see it. */
export interface WorldSpace {
  /** The space's cluster-wide id. */
  readonly id: string;
  /** The space type's name, as the game declared it. */
  readonly type: string;
  /**
   * The entities of the space within `radius` of `entity` (Euclidean, on the space's position
   * component), `entity` excluded, in no particular order.
   * @throws Error when the space has no interest grid.
   */
  nearby(entity: Entity, radius: number): Entity[];
}
