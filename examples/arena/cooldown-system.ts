import type { World } from 'tessera';
import { Weapon } from './body.js';

/** Counts every weapon's cooldown down to 0. */
export function cooldownSystem(world: World, dt: number): void {
  const { cooldown } = world.hot(Weapon);
  const { count, starts, ends } = world.runs([Weapon]);
  for (let r = 0; r < count; r++) {
    const end = ends[r]!;
    for (let eid = starts[r]!; eid < end; eid++) cooldown[eid] = Math.max(0, cooldown[eid]! - dt);
  }
}
