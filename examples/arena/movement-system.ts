import { query, type World } from 'tessera';
import { Mover, Position } from './body.js';
import { ARENA_SIZE } from './rules.js';

/**
 * Moves everything with a Position and a Mover by `direction * speed * dt`, and keeps it inside
 * the arena. The direction's length is at most 1 (Controls.move and the AI see to it), so nothing
 * moves faster than its speed.
 */
export function movementSystem(world: World, dt: number): void {
  const position = world.hot(Position);
  const mover = world.hot(Mover);
  const eids = query(world.ecs, [Position, Mover]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i]!;
    const step = mover.speed[eid]! * dt;
    position.x[eid] = clamp(position.x[eid]! + mover.dx[eid]! * step);
    position.y[eid] = clamp(position.y[eid]! + mover.dy[eid]! * step);
  }
}

function clamp(v: number): number {
  return Math.min(Math.max(v, 0), ARENA_SIZE);
}
