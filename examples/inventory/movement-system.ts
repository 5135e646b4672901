import type { World } from 'tessera';
import { Position, Velocity } from './components.js';

/** Moves every entity with a Position and a Velocity by `velocity * dt`. */
export function movementSystem(world: World, dt: number): void {
  const position = world.hot(Position);
  const velocity = world.hot(Velocity);
  const px = position.x;
  const py = position.y;
  const vx = velocity.x;
  const vy = velocity.y;
  // The entities as runs of consecutive ids: the id is the loop counter, read out of no list.
  const { count, starts, ends } = world.runs([Position, Velocity]);
  for (let r = 0; r < count; r++) {
    const end = ends[r]!;
    for (let eid = starts[r]!; eid < end; eid++) {
      px[eid]! += vx[eid]! * dt;
      py[eid]! += vy[eid]! * dt;
    }
  }
}
