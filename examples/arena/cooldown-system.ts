import { query, type World } from 'tessera';
import { Weapon } from './body.js';

/** Counts every weapon's cooldown down to 0. */
export function cooldownSystem(world: World, dt: number): void {
  const weapon = world.hot(Weapon);
  const eids = query(world.ecs, [Weapon]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i]!;
    weapon.cooldown[eid] = Math.max(0, weapon.cooldown[eid]! - dt);
  }
}
