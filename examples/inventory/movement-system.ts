import { query, type World } from 'tessera';
import { Position, Velocity } from './components.js';

/** Moves every entity with a Position and a Velocity by `velocity * dt`. */
export function movementSystem(world: World, dt: number): void {
  const position = world.hot(Position);
  const velocity = world.hot(Velocity);
  const px = position.x;
  const py = position.y;
  const vx = velocity.x;
  const vy = velocity.y;
  const eids = query(world.ecs, [Position, Velocity]);
  // An indexed loop: iterating a query result with for…of costs about twice as much.
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i]!;
    px[eid]! += vx[eid]! * dt;
    py[eid]! += vy[eid]! * dt;
  }
}
