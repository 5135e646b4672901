/**
 * `game.matchmaker`: how game code on a lobby queues its players for matches. Each call goes to
 * a matchmaker found in discovery (a server of the matchmaker's type that publishes the
 * `matchmaker` meta key), the same one for the same player while the set of matchmakers stays the
 * same. Matchmakers of a cluster share their tickets, so any of them would answer alike.
 *
 * The matchmaker's refusals reach game code as RPC `RemoteError`s whose `code` is a
 * `MATCH_ERR_*` code (docs/matchmaking.md); a game that lets one through a client request gives
 * the client `LOBBY_ERR_INTERNAL`, so catch it and throw a `GameError` the player should see.
 */
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import { hash32 } from '../engine/cluster/consistent-hash.js';
import { MatchError } from '../engine/matchmaking/errors.js';
import { MATCHMAKER_META_KEY, MATCHMAKER_META_ON, MATCHMAKER_SERVICE, type TicketStatus } from '../engine/matchmaking/matchmaker-contract.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { PlayerEntity } from './player-entity.js';

/** What a player queues for. */
export interface QueueRequest {
  /** A mode of the matchmaker's `matchmaker.modes`, e.g. `2v2`. */
  mode: string;
  /** The uids of the friends playing on the player's team (the player may be listed or not). */
  party?: string[];
  /** The player's (or the party's) rating. */
  rating: number;
}

/** Queueing players for matches, from game code (`game.matchmaker`). */
export interface GameMatchmaker {
  /**
   * Queues a ticket owned by `player` (an avatar bound to a session, or a uid). When the match
   * forms, the player (and the party) is moved into the match's space.
   * @throws MatchError MATCH_ERR_NO_MATCHMAKER when no matchmaker is registered, MATCH_ERR_BAD_TICKET
   *   for an avatar without a session; RemoteError with the matchmaker's MATCH_ERR_* code when it
   *   refuses the ticket; RpcError when it cannot be reached.
   */
  queue(player: PlayerEntity | string, request: QueueRequest): Promise<TicketStatus>;
  /**
   * Withdraws the ticket the player owns or is in (the whole party's).
   * @returns false when there is none or its match is being launched.
   * @throws as {@link queue}.
   */
  cancel(player: PlayerEntity | string): Promise<boolean>;
  /**
   * The ticket the player owns or is in, or null.
   * @throws as {@link queue}.
   */
  status(player: PlayerEntity | string): Promise<TicketStatus | null>;
}

/** What a {@link LobbyGameMatchmaker} needs. */
export interface LobbyGameMatchmakerOptions {
  rpc: RpcNode;
  discovery: Discovery;
  /** The server type that runs matchmakers: `services`, or `standalone` in one process. */
  type: string;
  /** Deadline of each call. */
  callTimeoutMs: number;
}

/** The {@link GameMatchmaker} of one lobby. */
export class LobbyGameMatchmaker implements GameMatchmaker {
  constructor(private readonly options: LobbyGameMatchmakerOptions) {}

  async queue(player: PlayerEntity | string, request: QueueRequest): Promise<TicketStatus> {
    const uid = uidOf(player);
    return this.call(uid, 'enqueue', { uid, mode: request.mode, ...(request.party === undefined ? {} : { party: request.party }), rating: request.rating }) as Promise<TicketStatus>;
  }

  async cancel(player: PlayerEntity | string): Promise<boolean> {
    const uid = uidOf(player);
    return this.call(uid, 'cancel', uid) as Promise<boolean>;
  }

  async status(player: PlayerEntity | string): Promise<TicketStatus | null> {
    const uid = uidOf(player);
    return this.call(uid, 'status', uid) as Promise<TicketStatus | null>;
  }

  private async call(uid: string, method: string, arg: unknown): Promise<unknown> {
    const { rpc, discovery, type, callTimeoutMs } = this.options;
    const server = pick(discovery.servers(type).filter((s) => s.meta[MATCHMAKER_META_KEY] === MATCHMAKER_META_ON), uid);
    if (!server) throw new MatchError('MATCH_ERR_NO_MATCHMAKER', `no server of type ${type} runs a matchmaker`);
    return rpc.call(server.id, MATCHMAKER_SERVICE, method, [arg], { timeoutMs: callTimeoutMs });
  }
}

/** The same server for the same uid while the candidates stay the same. */
function pick(servers: readonly ServerInfo[], uid: string): ServerInfo | undefined {
  if (servers.length === 0) return undefined;
  const sorted = [...servers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted[hash32(uid) % sorted.length];
}

function uidOf(player: PlayerEntity | string): string {
  if (typeof player === 'string') return player;
  if (!(player instanceof PlayerEntity)) throw new TypeError('game.matchmaker: expected a PlayerEntity or a uid');
  const uid = player.session?.uid;
  if (uid === undefined) throw new MatchError('MATCH_ERR_BAD_TICKET', `${player.id} has no session: only a player who is online can queue`);
  return uid;
}
