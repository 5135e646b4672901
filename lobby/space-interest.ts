/**
 * A space's interest: its entities on the space's interest grid (engine/space/interest-grid.ts),
 * placed by their position component's hot `x` and `y` as read after each step, players as
 * observers with the space type's view radius. The queries of game code (`space.nearby(x, y, r)`,
 * `entity.nearby(r)`) and the view of each player that the sync stage sends come from here. Only
 * entities that moved (or came, or went) since the last step are handed to the grid, so its cost
 * follows movement.
 */
import { query } from 'bitecs';
import type { Entity } from '../engine/ecs/entity.js';
import type { World } from '../engine/ecs/world.js';
import type { Logger } from '../engine/log/types.js';
import { InterestGrid, type InterestChanges } from '../engine/space/interest-grid.js';
import type { SpaceInterestOptions } from './define-space.js';
import { PlayerEntity } from './player-entity.js';

interface Placed {
  x: number;
  y: number;
  /** The update that last saw it in the world. */
  seen: number;
}

const NO_CHANGES: InterestChanges<Entity> = Object.freeze({ entered: [], left: [] });

/** The interest of one space. */
export class SpaceInterest {
  private readonly grid: InterestGrid<Entity>;
  private readonly placed = new Map<Entity, Placed>();
  /** Entities whose position the grid refused (not finite, too far out), warned about once. */
  private readonly refused = new WeakSet<Entity>();
  private updates = 0;
  private lastChanges: InterestChanges<Entity> = NO_CHANGES;

  /**
   * @param logger where an entity whose position the grid refuses is reported (once).
   * @throws Error for sizes the grid refuses (a view radius of more than 32 cells).
   */
  constructor(
    private readonly options: SpaceInterestOptions,
    private readonly logger: Logger,
  ) {
    this.grid = new InterestGrid<Entity>({ cellSize: options.cellSize, viewRadius: options.viewRadius });
  }

  /** How far a player sees. */
  get viewRadius(): number {
    return this.options.viewRadius;
  }

  /** The pairs that came into view and went out of it at the last update (`[player, entity]`). */
  get changes(): InterestChanges<Entity> {
    return this.lastChanges;
  }

  /**
   * Reads the position of every entity of `world` that has the position component, hands the
   * grid those that moved, came or went, and applies them.
   * @returns the visibility changes (also kept as {@link changes}).
   */
  update(world: World): InterestChanges<Entity> {
    const { position } = this.options;
    const hot = world.hot(position);
    const xs = hot.x!;
    const ys = hot.y!;
    const update = ++this.updates;
    const eids = query(world.ecs, [position]);
    for (let i = 0; i < eids.length; i++) {
      const eid = eids[i]!;
      const entity = world.entityOf(eid);
      if (entity) this.place(entity, xs[eid]!, ys[eid]!, update);
    }
    for (const [entity, at] of this.placed) {
      if (at.seen === update) continue;
      this.placed.delete(entity);
      this.grid.remove(entity);
    }
    this.lastChanges = this.grid.update();
    return this.lastChanges;
  }

  /** Where `entity` was at the last update, if it is on the grid. */
  positionOf(entity: Entity): Readonly<{ x: number; y: number }> | undefined {
    return this.placed.get(entity);
  }

  /**
   * The entities within `radius` of (`x`, `y`) as of the last update (distance <= radius), in no
   * particular order.
   * @throws Error for a point that is not finite or a radius that is negative, not finite or
   *   more than 32 cells.
   */
  nearby(x: number, y: number, radius: number): Entity[] {
    return this.grid.nearby(x, y, radius);
  }

  /** What `player` sees as of the last update: the entities within the view radius of it, itself excluded. */
  viewOf(player: PlayerEntity): ReadonlySet<Entity> {
    return this.grid.viewOf(player);
  }

  private place(entity: Entity, x: number, y: number, update: number): void {
    const at = this.placed.get(entity);
    if (at && at.x === x && at.y === y) {
      at.seen = update;
      return;
    }
    try {
      this.grid.set(entity, x, y, at ? undefined : { observer: entity instanceof PlayerEntity });
    } catch (err) {
      // Off the plane until its position is one the grid takes again.
      if (!this.refused.has(entity)) this.logger.warn('space: an entity\'s position is off the interest grid', { err, entityId: entity.id, x, y });
      this.refused.add(entity);
      return;
    }
    if (at) {
      at.x = x;
      at.y = y;
      at.seen = update;
    } else this.placed.set(entity, { x, y, seen: update });
  }
}
