/**
 * What a player's client may do with its hero: set the direction it walks in (`Controls.move`)
 * and attack a monster (`Controls.attack`). Clients send intentions, never positions: the movement
 * system moves the hero at the hero's speed, and the attack is checked here (alive, cooldown) and
 * by the monster (range).
 */
import { Component, RpcError, playerOf } from 'tessera';
import { Health, Mover, Position, Weapon } from './body.js';
import { arenaError } from './errors.js';
import { Experience } from './experience.js';
import { reportKill } from './match-referee.js';
import type { MonsterEntity } from './monster.js';
import { HERO } from './rules.js';

/** What `Controls.attack` answers: the target's health left, or the experience its kill gave. */
export type AttackResult = { result: 'hit'; hp: number } | { result: 'killed'; xp: number };

/** Longest target id a client may send. */
const MAX_TARGET_ID = 64;

/** A hero's client-callable controls. */
export class Controls extends Component {
  static override clientCallable = ['move', 'attack'];

  /**
   * Walks in direction (`dx`, `dy`), scaled down to length 1 when longer; (0, 0) stops.
   * @throws GameError ARENA_ERR_BAD_INPUT for anything but two finite numbers; ARENA_ERR_DEAD
   *   while the hero is down.
   */
  move(dx: number, dy: number): void {
    if (typeof dx !== 'number' || typeof dy !== 'number' || !Number.isFinite(dx) || !Number.isFinite(dy)) throw arenaError('ARENA_ERR_BAD_INPUT');
    const hero = this.entity;
    if (hero.get(Health).hp <= 0) throw arenaError('ARENA_ERR_DEAD');
    const scale = Math.max(1, Math.hypot(dx, dy));
    const mover = hero.get(Mover);
    mover.dx = dx / scale;
    mover.dy = dy / scale;
  }

  /**
   * Attacks monster `targetId` on this lobby; a kill gives experience (see Experience.countKill)
   * and, in a match, a kill to the hero's team (see Scoreboard.scoreKill).
   * @throws GameError ARENA_ERR_NO_TARGET when no living monster of the hero's space has that
   *   id; ARENA_ERR_DEAD while the hero is down; ARENA_ERR_COOLDOWN until the last attack's cooldown is over;
   *   ARENA_ERR_OUT_OF_RANGE when the monster is farther than the hero's reach.
   */
  async attack(targetId: string): Promise<AttackResult> {
    if (typeof targetId !== 'string' || targetId.length === 0 || targetId.length > MAX_TARGET_ID) throw arenaError('ARENA_ERR_NO_TARGET');
    const hero = playerOf(this);
    // Calling its own entity from inside its own request would wait for itself.
    if (targetId === hero.id) throw arenaError('ARENA_ERR_NO_TARGET');
    if (hero.get(Health).hp <= 0) throw arenaError('ARENA_ERR_DEAD');
    const weapon = hero.get(Weapon);
    if (weapon.cooldown > 0) throw arenaError('ARENA_ERR_COOLDOWN');
    const { x, y } = hero.get(Position);
    // The monster decides whether the hit lands, in its own queue: it alone knows where it is now.
    const monster = hero.remote<MonsterEntity>({ serverId: hero.mailbox.serverId, entityId: targetId });
    let outcome;
    try {
      outcome = await monster.Target.takeHit(x, y, HERO.attackRange, HERO.damage, hero.space?.id ?? '');
    } catch (err) {
      // No entity of that id here, or one that is no monster (a hero).
      if (err instanceof RpcError && (err.code === 'RPC_ERR_NO_SUCH_ENTITY' || err.code === 'RPC_ERR_NO_SUCH_COMPONENT')) throw arenaError('ARENA_ERR_NO_TARGET', { cause: err });
      throw err;
    }
    if (outcome.result === 'down' || outcome.result === 'elsewhere') throw arenaError('ARENA_ERR_NO_TARGET');
    if (outcome.result === 'out-of-range') throw arenaError('ARENA_ERR_OUT_OF_RANGE');
    weapon.cooldown = HERO.attackCooldown;
    if (outcome.result === 'killed') {
      await hero.get(Experience).countKill(targetId, outcome.xp);
      await reportKill(hero, targetId);
    }
    return outcome;
  }
}
