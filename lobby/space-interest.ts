/**
 * A space's interest: where its entities are on the plane (their position component's hot `x`
 * and `y`, read after each step) and who is near whom. The queries of game code
 * (`space.nearby(x, y, r)`, `entity.nearby(r)`) and the view of each player that the sync stage
 * sends come from here.
 */
import { query } from 'bitecs';
import type { Entity } from '../engine/ecs/entity.js';
import type { World } from '../engine/ecs/world.js';
import type { SpaceInterestOptions } from './define-space.js';
import type { PlayerEntity } from './player-entity.js';

interface Placed {
  x: number;
  y: number;
}

/** The interest of one space. */
export class SpaceInterest {
  private placed = new Map<Entity, Placed>();

  constructor(private readonly options: SpaceInterestOptions) {}

  /** How far a player sees. */
  get viewRadius(): number {
    return this.options.viewRadius;
  }

  /**
   * Reads the position of every entity of `world` that has the position component; entities
   * gone from the world or without the component leave the interest.
   */
  update(world: World): void {
    const { position } = this.options;
    const hot = world.hot(position);
    const xs = hot.x!;
    const ys = hot.y!;
    const next = new Map<Entity, Placed>();
    for (const eid of query(world.ecs, [position])) {
      const entity = world.entityOf(eid);
      if (entity) next.set(entity, { x: xs[eid]!, y: ys[eid]! });
    }
    this.placed = next;
  }

  /** Where `entity` was at the last update, if it was on the plane. */
  positionOf(entity: Entity): Readonly<Placed> | undefined {
    return this.placed.get(entity);
  }

  /** The entities within `radius` of (`x`, `y`) at the last update (distance <= radius), in no particular order. */
  nearby(x: number, y: number, radius: number): Entity[] {
    const out: Entity[] = [];
    const r2 = radius * radius;
    for (const [entity, at] of this.placed) {
      const dx = at.x - x;
      const dy = at.y - y;
      if (dx * dx + dy * dy <= r2) out.push(entity);
    }
    return out;
  }

  /** What `player` sees: the entities within the view radius of it, itself excluded; nothing when it is not on the plane. */
  viewOf(player: PlayerEntity): Entity[] {
    const at = this.placed.get(player);
    return at ? this.nearby(at.x, at.y, this.options.viewRadius).filter((e) => e !== player) : [];
  }
}
