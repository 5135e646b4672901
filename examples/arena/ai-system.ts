/**
 * The monsters' minds. Each living monster chases the nearest living hero within its aggro range
 * and hits it when close enough and its weapon is ready; with no hero near, it wanders around its
 * home. It only changes numbers (directions, health, cooldowns) and never awaits: a hero it downs
 * is handed its fall on a timer, which runs in the hero's queue and does the talking (hero.ts).
 */
import { query, type World } from 'tessera';
import { Health, Mover, Position, Weapon } from './body.js';
import { Controls } from './controls.js';
import { Hero } from './hero.js';
import { Brain } from './monster.js';
import { MONSTER } from './rules.js';

/** How far a wandering monster turns each time, in radians: the golden angle, so turns never repeat. */
const TURN = Math.PI * (3 - Math.sqrt(5));

/** Runs every monster's AI once. */
export function aiSystem(world: World, dt: number): void {
  const position = world.hot(Position);
  const mover = world.hot(Mover);
  const health = world.hot(Health);
  const weapon = world.hot(Weapon);
  // A hero is anything a player controls.
  const heroes = query(world.ecs, [Position, Health, Controls]);
  const monsters = world.runs([Position, Mover, Health, Weapon, Brain]);
  for (let r = 0; r < monsters.count; r++) {
    const end = monsters.ends[r]!;
    for (let m = monsters.starts[r]!; m < end; m++) {
      if (health.hp[m]! <= 0) continue;
      const mx = position.x[m]!;
      const my = position.y[m]!;

      // The nearest living hero in range, if any.
      let prey = -1;
      let preyDistance: number = MONSTER.aggroRange;
      for (let j = 0; j < heroes.length; j++) {
        const h = heroes[j]!;
        if (health.hp[h]! <= 0) continue;
        const distance = Math.hypot(position.x[h]! - mx, position.y[h]! - my);
        if (distance <= preyDistance) {
          prey = h;
          preyDistance = distance;
        }
      }

      if (prey >= 0 && preyDistance <= MONSTER.attackRange) {
        // Close enough: stand and hit.
        mover.dx[m] = 0;
        mover.dy[m] = 0;
        if (weapon.cooldown[m]! <= 0) {
          health.hp[prey] = Math.max(0, health.hp[prey]! - MONSTER.damage);
          weapon.cooldown[m] = MONSTER.attackCooldown;
          // A downed hero stops where it fell, and its own code tells its player.
          if (health.hp[prey] === 0) {
            mover.dx[prey] = 0;
            mover.dy[prey] = 0;
            const hero = world.entityOf(prey);
            if (hero instanceof Hero) hero.timers.after(0, () => hero.fall());
          }
        }
      } else if (prey >= 0) {
        mover.dx[m] = (position.x[prey]! - mx) / preyDistance;
        mover.dy[m] = (position.y[prey]! - my) / preyDistance;
      } else {
        wander(world, m, dt, mx, my);
      }
    }
  }
}

// Turns now and then; walks back home when it has strayed past its leash.
function wander(world: World, m: number, dt: number, x: number, y: number): void {
  const brain = world.hot(Brain);
  const mover = world.hot(Mover);
  brain.turnIn[m] = brain.turnIn[m]! - dt;
  if (brain.turnIn[m]! <= 0) {
    brain.heading[m] = (brain.heading[m]! + TURN) % (2 * Math.PI);
    brain.turnIn[m] = MONSTER.wanderTurn;
  }
  const homeDistance = Math.hypot(brain.homeX[m]! - x, brain.homeY[m]! - y);
  const [dx, dy] = homeDistance > MONSTER.leash
    ? [(brain.homeX[m]! - x) / homeDistance, (brain.homeY[m]! - y) / homeDistance]
    : [Math.cos(brain.heading[m]!), Math.sin(brain.heading[m]!)];
  mover.dx[m] = dx * MONSTER.wanderPace;
  mover.dy[m] = dy * MONSTER.wanderPace;
}
