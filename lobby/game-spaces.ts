/**
 * `game.spaces`: what game code (the game's hooks, its services) does with spaces: create one,
 * find this lobby's, move a player into one, and send a player back to the start space.
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
  /**
   * Sends a player (its avatar, or its uid while its session is bound here) back to the game's
   * `startSpace` on this lobby, by the rule of a login: the first instance with room
   * (`<type>@<lobbyId>`, then `:2`, `:3` … when the type has `maxPlayers`), created when none has;
   * a no-op when it is in one already. Resolves once it is there; safe to call without awaiting
   * from the player's own request handler, as `enter`.
   * @returns the instance it is in.
   * @throws (rejects) Error when the game declares no `startSpace`; SpaceError
   *   SPACE_ERR_NOT_A_PLAYER, SPACE_ERR_TOO_MANY (every instance full and this lobby may host no
   *   more spaces; the player stays where it was).
   */
  enterStart(player: PlayerEntity | string): Promise<SpaceRef>;
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
    const avatar = this.avatar(player);
    return avatar instanceof SpaceError ? Promise.reject(avatar) : this.options.host.enterLocal(avatar, spaceId);
  }

  async enterStart(player: PlayerEntity | string): Promise<SpaceRef> {
    const avatar = this.avatar(player);
    if (avatar instanceof SpaceError) throw avatar;
    return (await this.options.host.enterStart(avatar)).ref;
  }

  private avatar(player: PlayerEntity | string): PlayerEntity | SpaceError {
    const avatar = typeof player === 'string' ? this.options.avatarOf(player) : player;
    if (avatar instanceof PlayerEntity && avatar.alive) return avatar;
    return new SpaceError('SPACE_ERR_NOT_A_PLAYER', typeof player === 'string' ? `uid ${player.slice(0, 80)} is not bound here` : 'not a live PlayerEntity');
  }
}
