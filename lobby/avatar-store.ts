/**
 * Loading, creating, saving and releasing avatars for the session host, on top of the world's
 * EntityPersistence. Loading claims the avatar for this lobby (another lobby holding it is waited
 * for, up to `claimWaitMs`); releasing gives the claim back once the avatar is saved. An avatar
 * is saved at once when it is created and when its session closes, and the host waits for those
 * saves: a player who logs out and in again on another lobby must find what they left. Every
 * other change goes with the periodic {@link AvatarStore.flushDirty}.
 */
import type { FlushResult, EntityPersistence } from '../engine/ecs/entity-persistence.js';
import type { Entity } from '../engine/ecs/entity.js';
import type { World } from '../engine/ecs/world.js';
import type { WorldGroup } from '../engine/ecs/world-group.js';
import type { Logger } from '../engine/log/types.js';
import { OwnershipHeldError } from '../engine/persist/errors.js';
import type { Clock } from '../engine/timer/clock.js';
import { LobbyError } from './errors.js';
import { PlayerEntity } from './player-entity.js';

/** What an {@link AvatarStore} needs. */
export interface AvatarStoreOptions {
  /** The lobby's world, or its worlds (new avatars are spawned in the home world). */
  world: World | WorldGroup;
  persistence: EntityPersistence;
  clock: Clock;
  logger: Logger;
  /** Attempts at one immediate save before giving up. */
  saveAttempts: number;
  /** How long a load waits for another lobby's claim on the avatar to end; 0: not at all. */
  claimWaitMs: number;
  /** Time between two tries at the claim while waiting. */
  claimRetryMs: number;
}

/** The avatars' side of persistence. */
export class AvatarStore {
  private flushing: Promise<FlushResult> | undefined;
  /** Released avatars whose last changes could not be saved: kept alive until a flush saves them. */
  private readonly unsaved = new Set<PlayerEntity>();
  /** Unloads of such avatars started by a flush, not yet done. */
  private readonly unloading = new Set<Promise<void>>();

  constructor(private readonly options: AvatarStoreOptions) {}

  /** Released avatars still waiting for a successful save. */
  get unsavedCount(): number {
    return this.unsaved.size;
  }

  /**
   * Claims and loads avatar `id` of `type`, or creates it and saves it at once.
   * @returns the avatar and whether it existed (in the store, or still here unsaved).
   * @throws LobbyError LOBBY_ERR_AVATAR_BUSY when another lobby still owns it after
   *   `claimWaitMs`; LOBBY_ERR_STORE when the store fails, the document is invalid, or a new
   *   avatar cannot be saved; whatever the type's `onCreate` or `onLoad` throws.
   */
  async loadOrCreate(type: string, id: string): Promise<{ avatar: PlayerEntity; loaded: boolean }> {
    const { world, persistence } = this.options;
    const found = await this.claimAndLoad(type, id);
    if (found) {
      const avatar = asPlayer(found);
      this.unsaved.delete(avatar);
      return { avatar, loaded: true };
    }
    let avatar: PlayerEntity;
    try {
      avatar = asPlayer(world.spawn(type, { id }));
    } catch (err) {
      await persistence.releaseClaim(id);
      throw err;
    }
    if (!(await this.saveNow(avatar))) {
      await persistence.unload(avatar);
      throw new LobbyError('LOBBY_ERR_STORE', `new ${type} ${id} could not be saved`);
    }
    return { avatar, loaded: false };
  }

  /** Forgets an avatar whose ownership was lost (the persistence takes it out of the world). */
  lost(avatar: Entity): void {
    if (avatar instanceof PlayerEntity) this.unsaved.delete(avatar);
  }

  // Another lobby's claim is waited for (it may be saving the player's logout there), then refused.
  private async claimAndLoad(type: string, id: string): Promise<Entity | undefined> {
    const { persistence, clock, claimWaitMs, claimRetryMs } = this.options;
    const deadline = clock.now() + claimWaitMs;
    for (;;) {
      try {
        return await persistence.load(type, id);
      } catch (err) {
        if (!(err instanceof OwnershipHeldError)) {
          throw new LobbyError('LOBBY_ERR_STORE', `loading ${type} ${id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        const wait = Math.min(claimRetryMs, deadline - clock.now());
        if (wait <= 0) throw new LobbyError('LOBBY_ERR_AVATAR_BUSY', `${type} ${id} is held by ${err.owner ?? 'another lobby'}`, { cause: err });
        await new Promise<void>((resolve) => clock.setTimer(resolve, wait));
      }
    }
  }

  /**
   * Saves `avatar` now, unless it has no unsaved changes, and waits for the save.
   * @returns whether its current state is in the store; false after a store failure (the avatar
   *   stays dirty) or a version conflict (logged by the persistence).
   */
  async saveNow(avatar: PlayerEntity): Promise<boolean> {
    const { world, persistence } = this.options;
    for (let attempt = 0; attempt < this.options.saveAttempts; attempt++) {
      // A batch or critical save of this avatar may be in flight; a second one now would carry
      // the same expected version, so wait for those first.
      await this.flushing?.catch(() => undefined);
      await persistence.idle();
      if (!avatar.alive) return false;
      if (!world.isDirty(avatar) && avatar.version > 0) return true;
      const before = avatar.version;
      world.markDirty(avatar, { critical: true });
      await persistence.idle();
      if (!world.isDirty(avatar)) return avatar.version > before;
    }
    return false;
  }

  /**
   * Saves `avatar`, takes it out of the world and gives its claim back. When the store fails, the
   * avatar stays (dirty, without a session, still claimed) so that no change is lost: the next
   * flush that saves it releases it, and a bind of the same player meanwhile takes it back. An
   * avatar whose ownership was lost is gone already (the persistence logged it at error).
   * @returns whether it was saved and released.
   */
  async release(avatar: PlayerEntity): Promise<boolean> {
    const { id } = avatar;
    const saved = await this.saveNow(avatar);
    if (!avatar.alive) {
      this.options.logger.error('lobby: avatar not saved at release: its ownership was lost', { entityId: id });
      return false;
    }
    if (!saved && this.options.world.isDirty(avatar)) {
      this.unsaved.add(avatar);
      this.options.logger.error('lobby: avatar kept after a failed save; the next flush retries', { entityId: id });
      return false;
    }
    await this.options.persistence.unload(avatar);
    return saved;
  }

  /**
   * Saves every dirty entity of the world (a flush already running is joined, not doubled), then
   * releases the avatars it saved for sessions that had closed.
   * @throws StoreError when the store fails; those entities stay dirty for the next flush.
   */
  flushDirty(): Promise<FlushResult> {
    if (this.flushing) return this.flushing;
    const run = (async () => {
      try {
        return await this.options.persistence.flushDirty();
      } finally {
        this.flushing = undefined;
        for (const avatar of this.unsaved) {
          if (avatar.alive && this.options.world.isDirty(avatar)) continue;
          this.unsaved.delete(avatar);
          if (avatar.alive) this.unload(avatar);
        }
      }
    })();
    this.flushing = run;
    return run;
  }

  /** Resolves when no flush, no unload it started and no critical save is in flight (before closing the store). */
  async idle(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await Promise.allSettled(this.unloading);
    await this.options.persistence.idle();
  }

  // Gives back the claim of an avatar a flush saved after its session closed (a failure is logged
  // by the persistence, and the claim lapses).
  private unload(avatar: PlayerEntity): void {
    const unloading = this.options.persistence.unload(avatar);
    this.unloading.add(unloading);
    void unloading.finally(() => this.unloading.delete(unloading));
  }
}

function asPlayer(entity: unknown): PlayerEntity {
  if (!(entity instanceof PlayerEntity)) throw new Error('AvatarStore: the avatar type does not extend PlayerEntity');
  return entity;
}
