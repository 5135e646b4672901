/**
 * What every creature in the arena has: a place, a way to move, health and a weapon. All of it is
 * hot data (typed arrays) that the systems read and write every tick; none of it is saved, so a
 * hero always enters the arena at the spawn point with full health. Clients see where each
 * creature they see is (to a hundredth of a unit) and its health.
 */
import { Component } from 'tessera';

/** Where it is, in world units. */
export class Position extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  static override sync = { x: { quantize: 0.01 }, y: { quantize: 0.01 } } as const;
  declare x: number;
  declare y: number;
}

/**
 * Where it is heading: a direction of length at most 1 (set by its player's input, or by the AI)
 * and its top speed. The movement system moves it by `direction * speed * dt`, so nothing moves
 * faster than its speed whatever a client sends.
 */
export class Mover extends Component {
  static override requires = [Position];
  static override hot = { dx: 'f32', dy: 'f32', speed: 'f32' } as const;
  declare dx: number;
  declare dy: number;
  declare speed: number;

  /** Stops moving. */
  stop(): void {
    this.dx = 0;
    this.dy = 0;
  }
}

/** Hit points; 0 is down. */
export class Health extends Component {
  static override hot = { hp: 'f32' } as const;
  static override sync = { hp: 'public' } as const;
  declare hp: number;
}

/** Seconds until the next attack is ready; the cooldown system counts it down. */
export class Weapon extends Component {
  static override hot = { cooldown: 'f32' } as const;
  declare cooldown: number;
}
