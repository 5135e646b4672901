/**
 * Monsters: NPCs that wander around their home, chase and hit heroes (the AI system), and take
 * hits from heroes' attacks (`Target.takeHit`, called through the monster's own queue). A downed
 * monster lies still until its respawn timer brings it back home; one settled with
 * `respawns: false` (a match's) stays down.
 */
import { Component, Entity, type ComponentClass } from 'tessera';
import { Health, Mover, Position, Weapon } from './body.js';
import { ARENA_SIZE, MONSTER } from './rules.js';

/** The AI's memory of one monster: its home, and where it wanders (see ai-system.ts). */
export class Brain extends Component {
  static override hot = { homeX: 'f32', homeY: 'f32', heading: 'f32', turnIn: 'f32' } as const;
  declare homeX: number;
  declare homeY: number;
  /** The direction it wanders in, in radians. */
  declare heading: number;
  /** Seconds until it turns. */
  declare turnIn: number;
}

/** What an attack on a monster comes to. */
export type HitOutcome =
  | { result: 'hit'; hp: number }
  | { result: 'killed'; xp: number }
  | { result: 'out-of-range' }
  | { result: 'down' }
  /** The attacker is in another space (another field, say, whose monsters stand at the same homes). */
  | { result: 'elsewhere' };

/** A monster as seen from other entities, for `remote<MonsterEntity>(mailbox)`. */
export interface MonsterEntity {
  Target: Target;
}

/** Takes the hits of heroes' attacks; other entities call it, so it checks the range itself. */
export class Target extends Component {
  static override serverCallable = ['takeHit'];

  /**
   * Takes `damage` from an attacker in space `spaceId` at (`x`, `y`) that reaches `range`. A kill
   * downs the monster and starts its respawn timer, if it respawns.
   * @throws TypeError for arguments that are not finite numbers, or a `spaceId` that is not a
   *   string (a bug in the caller).
   */
  takeHit(x: number, y: number, range: number, damage: number, spaceId: string): HitOutcome {
    if (![x, y, range, damage].every(Number.isFinite)) throw new TypeError('takeHit: x, y, range and damage must be finite numbers');
    if (typeof spaceId !== 'string') throw new TypeError('takeHit: spaceId must be a string');
    const monster = this.entity as Monster;
    if (monster.space?.id !== spaceId) return { result: 'elsewhere' };
    const health = monster.get(Health);
    if (health.hp <= 0) return { result: 'down' };
    const at = monster.get(Position);
    if (Math.hypot(at.x - x, at.y - y) > range) return { result: 'out-of-range' };
    health.hp = Math.max(0, health.hp - damage);
    if (health.hp > 0) return { result: 'hit', hp: health.hp };
    monster.get(Mover).stop();
    // The timer belongs to the monster: it is cancelled if the monster leaves the world first.
    if (monster.respawns) monster.timers.after(MONSTER.respawnMs, () => monster.respawn());
    return { result: 'killed', xp: MONSTER.xp };
  }
}

/** A monster of the arena. */
export class Monster extends Entity {
  static override components: readonly ComponentClass[] = [Position, Mover, Health, Weapon, Brain, Target];

  /** Whether it comes back home `MONSTER.respawnMs` after a kill. */
  private comesBack = true;

  /** Whether it comes back home after a kill (see {@link settleAt}). */
  get respawns(): boolean {
    return this.comesBack;
  }

  /**
   * Makes (`x`, `y`) its home and puts it there, ready to fight.
   * @param options.respawns false: once killed, it stays down (default true: it comes back home).
   */
  settleAt(x: number, y: number, options: { respawns?: boolean } = {}): void {
    this.comesBack = options.respawns ?? true;
    const brain = this.get(Brain);
    brain.homeX = x;
    brain.homeY = y;
    // It first wanders away from the middle, where heroes enter.
    brain.heading = Math.atan2(y - ARENA_SIZE / 2, x - ARENA_SIZE / 2);
    brain.turnIn = MONSTER.wanderTurn;
    this.respawn();
  }

  /** Puts it back home with full health. */
  respawn(): void {
    const brain = this.get(Brain);
    const at = this.get(Position);
    at.x = brain.homeX;
    at.y = brain.homeY;
    this.get(Health).hp = MONSTER.maxHp;
    this.get(Weapon).cooldown = 0;
    const mover = this.get(Mover);
    mover.speed = MONSTER.speed;
    mover.stop();
  }
}
