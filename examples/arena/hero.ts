/**
 * Heroes: the players' avatars. A hero enters a space at its spawn point (the field's, or its
 * team's side of a match) with full health, and respawns there; its experience is saved. Monsters hit heroes inside the AI system, which only changes numbers and
 * hands a downed hero its fall (through `world.entityOf` and a timer, so that it runs in the
 * hero's queue): the hero tells its player (`arena.death`) and starts its respawn timer
 * (`arena.respawn` when it is back).
 */
import { PlayerEntity, type ComponentClass, type TimerHandle } from 'tessera';
import { Health, Mover, Position, Weapon } from './body.js';
import { Controls } from './controls.js';
import { Experience } from './experience.js';
import { HERO } from './rules.js';

/** A player's hero. */
export class Hero extends PlayerEntity {
  static override components: readonly ComponentClass[] = [Position, Mover, Health, Weapon, Experience, Controls];

  /** Down and waiting for its respawn: told once, respawned once. */
  private down = false;
  /** The respawn timer of a downed hero. */
  private respawning: TimerHandle | undefined;
  /** Where it enters and respawns in its current space. */
  private spawnPoint: { readonly x: number; readonly y: number } = HERO.spawn;

  override onCreate(): void {
    this.enterArena();
  }

  override onLoad(): void {
    this.enterArena();
  }

  private enterArena(): void {
    this.get(Mover).speed = HERO.speed;
    this.respawn();
  }

  /**
   * Enters a space at `spawn`, its respawn point there, standing, with full health. A hero that
   * was down is up at once: its respawn timer is cancelled.
   */
  enterAt(spawn: { readonly x: number; readonly y: number }): void {
    this.spawnPoint = spawn;
    if (this.respawning !== undefined) this.timers.cancel(this.respawning);
    this.respawning = undefined;
    this.respawn();
  }

  /** Takes the blow that downed the hero (the AI system set its health to 0 and called this through a timer). */
  fall(): void {
    if (this.down || this.get(Health).hp > 0) return;
    this.down = true;
    this.get(Mover).stop();
    this.get(Experience).deaths += 1;
    this.session?.push('arena.death', { respawnInMs: HERO.respawnMs });
    this.respawning = this.timers.after(HERO.respawnMs, () => {
      this.respawning = undefined;
      this.respawn();
      const { x, y } = this.get(Position);
      this.session?.push('arena.respawn', { x, y, hp: HERO.maxHp });
    });
  }

  /** Puts the hero at its spawn point, standing, with full health and its weapon ready. */
  private respawn(): void {
    const at = this.get(Position);
    at.x = this.spawnPoint.x;
    at.y = this.spawnPoint.y;
    this.get(Mover).stop();
    this.get(Health).hp = HERO.maxHp;
    this.get(Weapon).cooldown = 0;
    this.down = false;
  }
}
