/**
 * Moving a player between the spaces of one lobby, and out of its space, always in the avatar's
 * queue: `onPlayerLeave` of the old space (`onEmpty` when it was the last player), World.transfer,
 * `onPlayerEnter` of the new, then `sys.space` `{ spaceId, type, lobbyId }` pushed to the client.
 * Hooks that throw are logged and the move goes on.
 */
import type { Entity } from '../engine/ecs/entity.js';
import type { World } from '../engine/ecs/world.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { PlayerEntity } from './player-entity.js';
import type { Space } from './space.js';
import { SpaceError } from './space-errors.js';

/** The moves of one lobby's players; `spaceOf` finds the live space of this lobby an entity is in. */
export class SpaceMoves {
  constructor(private readonly spaceOf: (entity: Entity) => Space | undefined) {}

  /**
   * Moves `avatar` into `target`; a no-op when it is there. Run it in the avatar's queue.
   * @throws (rejects) Error when the avatar is gone; SpaceError SPACE_ERR_NOT_FOUND (`target`
   *   disposed, before or during the move), SPACE_ERR_FULL; the avatar stays where it was.
   */
  async move(avatar: PlayerEntity, target: Space): Promise<void> {
    if (this.spaceOf(avatar) === target) return;
    if (!avatar.alive) throw new Error(`space ${target.id}: the avatar is gone`);
    if (target.isDisposed) throw new SpaceError('SPACE_ERR_NOT_FOUND', `${target.id} is disposed`);
    if (!target.reserve()) throw new SpaceError('SPACE_ERR_FULL', `${target.id} takes ${target.definition.maxPlayers} players`);
    await this.moveReserved(avatar, target);
  }

  /**
   * Moves `avatar` into `target`, where a place is held for it (Space.reserve), given back when
   * the avatar does not get in. Run it in the avatar's queue. The avatar leaves the old world in
   * the same turn as the old space lets it go, so that the space (empty now) is never disposed
   * with it inside.
   * @throws (rejects) Error when the avatar is in `target` already; SpaceError
   *   SPACE_ERR_NOT_FOUND when `target` was disposed, or the avatar left, during the move.
   */
  async moveReserved(avatar: PlayerEntity, target: Space): Promise<void> {
    const from = this.spaceOf(avatar);
    let emptied = false;
    try {
      if (from === target) throw new Error(`space ${target.id}: the avatar is in it already`);
      if (from) await runHook(from, 'onPlayerLeave', () => from.definition.onPlayerLeave?.(from, avatar), avatar);
      const world = avatar.placedWorld;
      if (!world || !avatar.alive || target.isDisposed) throw new SpaceError('SPACE_ERR_NOT_FOUND', `${target.id} was disposed, or the avatar left, during the move`);
      if (from) emptied = from.release(avatar);
      world.transfer(avatar, target.world);
    } catch (err) {
      target.unreserve();
      throw err;
    }
    target.admit(avatar);
    if (emptied) await this.emptied(from!);
    await runHook(target, 'onPlayerEnter', () => target.definition.onPlayerEnter?.(target, avatar), avatar);
    this.tell(avatar, target);
  }

  /** Takes `avatar` out of its space (`onPlayerLeave`) into world `home`; a no-op in no space. */
  async leave(avatar: PlayerEntity, home: World): Promise<void> {
    const space = this.spaceOf(avatar);
    if (!space) return;
    await runHook(space, 'onPlayerLeave', () => space.definition.onPlayerLeave?.(space, avatar), avatar);
    if (!avatar.alive) return;
    const emptied = space.release(avatar);
    space.world.transfer(avatar, home);
    if (emptied) await this.emptied(space);
  }

  /** Tells `avatar`'s client it is in `space` (`sys.space`). */
  tell(avatar: PlayerEntity, space: Space): void {
    avatar.session?.push(SYSTEM_ROUTE.SPACE, { spaceId: space.id, type: space.type, lobbyId: space.lobbyId });
  }

  private emptied(space: Space): Promise<void> {
    return runHook(space, 'onEmpty', () => space.definition.onEmpty?.(space));
  }
}

/** Runs hook `name` of `space`; what it throws is logged on the space's logger, never thrown. */
export async function runHook(space: Space, name: string, run: () => unknown, player?: PlayerEntity): Promise<void> {
  try {
    await run();
  } catch (err) {
    space.logger.error(`space: ${name} failed`, { err, ...(player?.alive ? { entityId: player.id } : {}) });
  }
}
