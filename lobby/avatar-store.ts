/**
 * Loading, creating, saving and releasing avatars for the session host, on top of the world's
 * EntityPersistence. An avatar is saved at once when it is created and when its session closes,
 * and the host waits for those saves: a player who logs out and in again on another lobby must
 * find what they left. Every other change goes with the periodic {@link AvatarStore.flushDirty}.
 */
import type { FlushResult, EntityPersistence } from '../engine/ecs/entity-persistence.js';
import type { World } from '../engine/ecs/world.js';
import type { Logger } from '../engine/log/types.js';
import { LobbyError } from './errors.js';
import { PlayerEntity } from './player-entity.js';

/** What an {@link AvatarStore} needs. */
export interface AvatarStoreOptions {
  world: World;
  persistence: EntityPersistence;
  logger: Logger;
  /** Attempts at one immediate save before giving up. */
  saveAttempts: number;
}

/** The avatars' side of persistence. */
export class AvatarStore {
  private flushing: Promise<FlushResult> | undefined;
  /** Released avatars whose last changes could not be saved: kept alive until a flush saves them. */
  private readonly unsaved = new Set<PlayerEntity>();

  constructor(private readonly options: AvatarStoreOptions) {}

  /** Released avatars still waiting for a successful save. */
  get unsavedCount(): number {
    return this.unsaved.size;
  }

  /**
   * Loads avatar `id` of `type`, or creates it and saves it at once.
   * @returns the avatar and whether it existed (in the store, or still here unsaved).
   * @throws LobbyError LOBBY_ERR_STORE when the store fails, the document is invalid, or a new
   *   avatar cannot be saved; whatever the type's `onCreate` or `onLoad` throws.
   */
  async loadOrCreate(type: string, id: string): Promise<{ avatar: PlayerEntity; loaded: boolean }> {
    const { world, persistence } = this.options;
    let found;
    try {
      found = await persistence.load(type, id);
    } catch (err) {
      throw new LobbyError('LOBBY_ERR_STORE', `loading ${type} ${id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (found) {
      const avatar = asPlayer(found);
      this.unsaved.delete(avatar);
      return { avatar, loaded: true };
    }
    const avatar = asPlayer(world.spawn(type, { id }));
    if (!(await this.saveNow(avatar))) {
      world.destroy(avatar);
      throw new LobbyError('LOBBY_ERR_STORE', `new ${type} ${id} could not be saved`);
    }
    return { avatar, loaded: false };
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
   * Saves `avatar` and takes it out of the world. When the store fails, the avatar stays (dirty,
   * without a session) so that no change is lost: the next flush that saves it releases it, and a
   * bind of the same player meanwhile takes it back.
   * @returns whether it was saved and released.
   */
  async release(avatar: PlayerEntity): Promise<boolean> {
    const saved = await this.saveNow(avatar);
    if (!saved && avatar.alive && this.options.world.isDirty(avatar)) {
      this.unsaved.add(avatar);
      this.options.logger.error('lobby: avatar kept after a failed save; the next flush retries', { entityId: avatar.id });
      return false;
    }
    this.options.world.destroy(avatar);
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
          this.options.world.destroy(avatar);
        }
      }
    })();
    this.flushing = run;
    return run;
  }

  /** Resolves when no flush and no critical save is in flight. */
  async idle(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await this.options.persistence.idle();
  }
}

function asPlayer(entity: unknown): PlayerEntity {
  if (!(entity instanceof PlayerEntity)) throw new Error('AvatarStore: the avatar type does not extend PlayerEntity');
  return entity;
}
