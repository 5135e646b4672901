import type { World } from 'tessera';
import { Mover, Position } from './body.js';
import { ARENA_SIZE } from './rules.js';

/**
 * Moves everything with a Position and a Mover by `direction * speed * dt`, and keeps it inside
 * the arena. The direction's length is at most 1 (Controls.move and the AI see to it), so nothing
 * moves faster than its speed.
 */
export function movementSystem(world: World, dt: number): void {
  // Arrays in locals, fetched once a step: each `position.x` in the loop would be a lookup.
  const { x, y } = world.hot(Position);
  const { dx, dy, speed } = world.hot(Mover);
  const { count, starts, ends } = world.runs([Position, Mover]);
  for (let r = 0; r < count; r++) {
    const end = ends[r]!;
    for (let eid = starts[r]!; eid < end; eid++) {
      const step = speed[eid]! * dt;
      x[eid] = clamp(x[eid]! + dx[eid]! * step);
      y[eid] = clamp(y[eid]! + dy[eid]! * step);
    }
  }
}

function clamp(v: number): number {
  return Math.min(Math.max(v, 0), ARENA_SIZE);
}
