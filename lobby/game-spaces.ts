/**
 * `game.spaces`: what game code (the game's hooks, its services) does with spaces: create one,
 * find this lobby's, and move a player into one.
 */
import { PlayerEntity } from './player-entity.js';
import type { Space, SpaceRef } from './space.js';
import { SpaceError } from './space-errors.js';
import type { CreateSpaceOptions, SpaceHost } from './space-host.js';

/** Options of `game.spaces.create`. */
export interface GameCreateSpaceOptions extends CreateSpaceOptions {
  /** True: on this lobby, whatever the load (default: the least loaded lobby of the cluster). */
  here?: boolean;
}

/** Spaces, as game code reaches them. */
export interface GameSpaces {
  /**
   * Creates a space of a type the game declares (see SpaceHost.create), on this lobby (in a
   * cluster, cluster-spaces.ts: on the least loaded lobby that has room).
   * @throws (rejects) SpaceError SPACE_ERR_UNKNOWN_TYPE, SPACE_ERR_BAD_ID, SPACE_ERR_ID_TAKEN,
   *   SPACE_ERR_TOO_MANY (past `lobby.maxSpaces`; in a cluster, on every lobby).
   */
  create(type: string, options?: GameCreateSpaceOptions): Promise<SpaceRef>;
  /**
   * Where space `id` is: on this lobby, or (in a cluster, cluster-spaces.ts) on any lobby.
   * @returns undefined when no live space has that id.
   */
  find(id: string): Promise<SpaceRef | undefined>;
  /** This lobby's live space `id`. */
  local(id: string): Space | undefined;
  /** This lobby's live spaces. */
  list(): Space[];
  /**
   * Moves a player (its avatar, or its uid while its session is bound here) into space `spaceId`,
   * after the requests it has queued; resolves once it is there. Safe to call without awaiting
   * from the player's own request handler (awaiting it there would wait for itself).
   * @throws (rejects) SpaceError SPACE_ERR_NOT_A_PLAYER (no such player here), SPACE_ERR_NOT_FOUND,
   *   SPACE_ERR_FULL.
   */
  enter(player: PlayerEntity | string, spaceId: string): Promise<void>;
}

/** What {@link LobbySpaces} needs. */
export interface LobbySpacesOptions {
  host: SpaceHost;
  /** The avatar of a uid bound to this lobby. */
  avatarOf(uid: string): PlayerEntity | undefined;
}

/** `game.spaces` on one lobby. */
export class LobbySpaces implements GameSpaces {
  constructor(private readonly options: LobbySpacesOptions) {}

  async create(type: string, options?: CreateSpaceOptions): Promise<SpaceRef> {
    return (await this.options.host.create(type, options)).ref;
  }

  async find(id: string): Promise<SpaceRef | undefined> {
    return this.options.host.get(id)?.ref;
  }

  local(id: string): Space | undefined {
    return this.options.host.get(id);
  }

  list(): Space[] {
    return this.options.host.list();
  }

  enter(player: PlayerEntity | string, spaceId: string): Promise<void> {
    const avatar = typeof player === 'string' ? this.options.avatarOf(player) : player;
    if (!(avatar instanceof PlayerEntity) || !avatar.alive) {
      return Promise.reject(new SpaceError('SPACE_ERR_NOT_A_PLAYER', typeof player === 'string' ? `uid ${player.slice(0, 80)} is not bound here` : 'not a live PlayerEntity'));
    }
    return this.options.host.enterLocal(avatar, spaceId);
  }
}
