/**
 * `game.spaces` across the cluster: this lobby's spaces (game-spaces.ts) plus what crosses
 * lobbies. `create` puts a space on the least loaded lobby (discovery's load reports, as
 * engine/cluster/select.ts orders them) through that lobby's `spaces` service (space-service.ts);
 * a lobby that hosts `lobby.maxSpaces` spaces refuses (SPACE_ERR_TOO_MANY), and the next least
 * loaded is asked, each lobby once; one that refused is left out until its next load report;
 * `find` looks a space up in discovery (space-directory.ts); `enter` moves a player into a space
 * of another lobby by asking the player's gate to move its session (GateSessions.move): the gate
 * holds the player's requests and asks this lobby to migrate the player (entity-migration.ts),
 * and the other lobby binds it into the space.
 */
import type { Discovery } from '../engine/cluster/discovery.js';
import { FullServers } from '../engine/cluster/full-servers.js';
import { compareLoad, serving } from '../engine/cluster/select.js';
import { RemoteError } from '../engine/rpc/errors.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { GATE_SERVICE } from '../engine/session/session-contract.js';
import type { GameCreateSpaceOptions, GameSpaces } from './game-spaces.js';
import { PlayerEntity } from './player-entity.js';
import type { Space, SpaceRef } from './space.js';
import type { SpaceDirectory } from './space-directory.js';
import { SpaceError } from './space-errors.js';
import { SPACE_SERVICE } from './space-service.js';

/** What a {@link ClusterSpaces} needs. */
export interface ClusterSpacesOptions {
  /** This lobby's spaces. */
  local: GameSpaces;
  directory: Pick<SpaceDirectory, 'lobbyOf'>;
  discovery: Pick<Discovery, 'servers' | 'self'>;
  rpc: Pick<RpcNode, 'call' | 'serverId'>;
  /** The avatar of a uid bound to this lobby. */
  avatarOf(uid: string): PlayerEntity | undefined;
}

/** `game.spaces` on a lobby of a cluster. */
export class ClusterSpaces implements GameSpaces {
  /** Lobbies that refused a space for hosting as many as they may, until their next load report. */
  private readonly full = new FullServers();

  constructor(private readonly options: ClusterSpacesOptions) {}

  /**
   * Creates a space of `type` on the least loaded lobby (fewest sessions, then entities, then
   * CPU, from the last load reports), or here with `here: true` or when discovery knows no
   * lobby. Another lobby that answers SPACE_ERR_TOO_MANY (it hosts `lobby.maxSpaces`) is left
   * out until its next load report and the next least loaded is asked, each lobby at most once.
   * @throws (rejects) SpaceError SPACE_ERR_UNKNOWN_TYPE, SPACE_ERR_BAD_ID, SPACE_ERR_ID_TAKEN (on
   *   another lobby: a RemoteError with that code), SPACE_ERR_TOO_MANY (every lobby is full: the
   *   last refusal, or a SpaceError when each refused since its last report); RpcError when the
   *   lobby asked cannot be reached.
   */
  async create(type: string, options: GameCreateSpaceOptions = {}): Promise<SpaceRef> {
    const { here, ...create } = options;
    const { rpc, discovery, local } = this.options;
    // The lobbies are the servers of this one's type (`lobby`, or `standalone` in one process).
    const lobbyType = discovery.self?.type;
    // A draining lobby (this one too) takes no new space; with none serving, it opens here.
    const lobbies = here || !lobbyType ? [] : serving(discovery.servers(lobbyType));
    if (lobbies.length === 0) return local.create(type, create);
    let refused: unknown = new SpaceError('SPACE_ERR_TOO_MANY', `each of the ${lobbies.length} lobbies refused one since its last load report`);
    for (const lobby of this.full.without(lobbies).sort(compareLoad)) {
      try {
        if (lobby.id === rpc.serverId) return await local.create(type, create);
        return (await rpc.call(lobby.id, SPACE_SERVICE, 'create', [type, create])) as SpaceRef;
      } catch (err) {
        if (!((err instanceof SpaceError || err instanceof RemoteError) && err.code === 'SPACE_ERR_TOO_MANY')) throw err;
        // This lobby knows its own count at once: only the others are remembered as full.
        if (lobby.id !== rpc.serverId) this.full.mark(lobby);
        refused = err;
      }
    }
    throw refused;
  }

  /**
   * Where space `id` is, on any lobby.
   * @returns undefined when no live lobby hosts it.
   * @throws (rejects) RpcError when the lobby that hosts it cannot be reached.
   */
  async find(id: string): Promise<SpaceRef | undefined> {
    const here = this.options.local.local(id);
    if (here) return here.ref;
    const lobbyId = this.options.directory.lobbyOf(id);
    if (!lobbyId || lobbyId === this.options.rpc.serverId) return undefined;
    return ((await this.options.rpc.call(lobbyId, SPACE_SERVICE, 'describe', [id])) as SpaceRef | null) ?? undefined;
  }

  local(id: string): Space | undefined {
    return this.options.local.local(id);
  }

  list(): Space[] {
    return this.options.local.list();
  }

  /**
   * Moves a player into space `spaceId`: on this lobby as `GameSpaces.enter` does (resolves once
   * it is there); on another lobby through the player's gate (resolves once the gate took the
   * move; the client then hears `sys.space`, or `sys.rebound` when the other lobby refused it).
   * Safe to call without awaiting from the player's own request handler.
   * @throws (rejects) SpaceError SPACE_ERR_NOT_A_PLAYER (no such player bound here),
   *   SPACE_ERR_NOT_FOUND (no live lobby hosts the space), SPACE_ERR_FULL (a space here);
   *   RpcError when the gate cannot be reached.
   */
  async enter(player: PlayerEntity | string, spaceId: string): Promise<void> {
    if (this.options.local.local(spaceId)) return this.options.local.enter(player, spaceId);
    const avatar = typeof player === 'string' ? this.options.avatarOf(player) : player;
    const session = avatar instanceof PlayerEntity && avatar.alive ? avatar.session : undefined;
    if (!session) throw new SpaceError('SPACE_ERR_NOT_A_PLAYER', typeof player === 'string' ? `uid ${player.slice(0, 80)} is not bound here` : 'not a live PlayerEntity with a session');
    const lobbyId = typeof spaceId === 'string' ? this.options.directory.lobbyOf(spaceId) : undefined;
    if (!lobbyId || lobbyId === this.options.rpc.serverId) throw new SpaceError('SPACE_ERR_NOT_FOUND', `${String(spaceId).slice(0, 140)} on no live lobby`);
    await this.options.rpc.call(session.gateId, GATE_SERVICE, 'move', [session.sessionId, lobbyId, spaceId]);
  }

  /** As `GameSpaces.enterStart`: the start space's instances of this lobby, as at login. */
  enterStart(player: PlayerEntity | string): Promise<SpaceRef> {
    return this.options.local.enterStart(player);
  }
}
