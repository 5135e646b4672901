/**
 * The RPC contract between gates and lobbies for client sessions. A gate serves
 * {@link GATE_SERVICE}; a lobby serves {@link LOBBY_SESSIONS_SERVICE}. Game payloads cross as
 * msgpack bytes that the gate never decodes: a request's arguments are one msgpack array, a
 * response, a push body and a session data value are one msgpack value each.
 */
import type { SessionDataRecord } from './session-data-map.js';

/** The RPC service every lobby serves for gates. */
export const LOBBY_SESSIONS_SERVICE = 'sessions';

/** The RPC service every gate serves for lobbies. */
export const GATE_SERVICE = 'gate';

/** Methods of {@link LOBBY_SESSIONS_SERVICE}, in the order the gate uses them. */
export const LOBBY_SESSIONS_METHODS = ['bind', 'request', 'notify', 'close', 'resumed', 'migrate'] as const;

/** Methods of {@link GATE_SERVICE} that lobbies call. */
export const GATE_METHODS = ['push', 'kick', 'setData', 'move', 'pushEach', 'moveAndWait'] as const;

/**
 * Methods of {@link GATE_SERVICE} that other gates call:
 *
 * - `handOver(sessionId, gateId)`: the client resumed session `sessionId` on gate `gateId` (it
 *   showed that session's resume token there): this gate lets go of the session without ending it
 *   (no `close` to its lobby, which keeps the avatar; the online index names the other gate now)
 *   and closes a connection still attached with GATE_ERR_DUPLICATE_LOGIN. A session not here is a no-op.
 */
export const GATE_PEER_METHODS = ['handOver'] as const;

/**
 * What became of a move, as `GateSessions.moveAndWait` answers it:
 * - `moved`: the session is bound on the lobby the move named, in its space (that lobby sent the
 *   client `sys.space` before the move was answered: on another link, so it may reach the client
 *   just after this answer, but always before the replies of the requests the gate held);
 * - `failed`: the move was refused (a bad argument, too many moves of the session waiting) or that
 *   lobby's bind failed: the session stays bound elsewhere (its old lobby first), not in that space;
 * - `absent`: the session is not on this gate, or ended before the move began.
 */
export const MOVE_OUTCOME = { MOVED: 'moved', FAILED: 'failed', ABSENT: 'absent' } as const;

/** One of {@link MOVE_OUTCOME}. */
export type MoveOutcome = (typeof MOVE_OUTCOME)[keyof typeof MOVE_OUTCOME];

/**
 * The error code a lobby answers for a session it does not hold (it closed it when the gate seemed
 * gone, or it restarted): the gate binds the session again and retries the request once.
 */
export const UNKNOWN_SESSION_CODE = 'LOBBY_ERR_UNKNOWN_SESSION';

/**
 * The error code a lobby answers when a game method failed with anything but a game's own error
 * (a store or RPC failure, a bug). Its message ends with {@link internalErrorDetail}: the gate
 * sends the client that correlation id and nothing else of it, and the lobby's error log line
 * carries the same id.
 */
export const INTERNAL_ERROR_CODE = 'LOBBY_ERR_INTERNAL';

const INTERNAL_ERROR_ID = /: id ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The detail of an internal error: `id <correlation id>`, the id a UUID. */
export function internalErrorDetail(correlationId: string): string {
  return `id ${correlationId}`;
}

/** The correlation id at the end of an internal error's message, if it carries one. */
export function internalErrorId(message: string): string | undefined {
  return INTERNAL_ERROR_ID.exec(message)?.[1];
}

/** Who a session is, as the gate tells its lobby. */
export interface SessionInfo {
  /** Unique per gate session, stable across reconnects that resume it. */
  sessionId: string;
  /** The account id from the verified token. */
  uid: string;
  /** The server id of the gate holding the connection. */
  gateId: string;
  /**
   * The session's data as the gate keeps it (session-data-map.ts): what lobbies stored with
   * `setData`, so that a lobby binding the session after a rebind sees it. Absent: none.
   */
  data?: SessionDataRecord;
  /**
   * The space to put the avatar in (a move to another lobby, `GateSessions.move`). The lobby
   * fails the bind with a coded error when that space is not one of its own (or is full); the
   * gate then binds the session back where it was. Absent: the game's start space on that lobby,
   * or none. The lobby tells the client its space (`sys.space`) before it answers the bind.
   */
  space?: string;
}

/** What a lobby answers to `bind`. */
export interface BindResult {
  /** The server id and entity id of the session's avatar. */
  avatar: { serverId: string; entityId: string };
  /** Whether the avatar was loaded from the store (false: created new). */
  loaded: boolean;
}

/**
 * The lobby side, as the gate calls it over RPC (`rpc.service(lobbyId, 'sessions')`):
 *
 * - `bind(info, rebound)`: attach the session, loading or creating its avatar; `rebound` is true
 *   when the session moved here from a lobby that left. Binding a session already bound here
 *   returns the same avatar.
 * - `request(sessionId, route, args)`: run `route` (`Component.method` on the avatar, or
 *   `service.method` on a client service) with `args` (msgpack bytes of an array); resolves with
 *   the msgpack bytes of the result. Requests of one session run one at a time in arrival order.
 * - `notify(sessionId, route, args)`: the same without a reply.
 * - `close(sessionId, reason)`: the client left: save the avatar and release it.
 * - `resumed(sessionId)`: the client came back on a new connection (usually an RPC notify): the
 *   player's space sends it a fresh snapshot of what it sees.
 * - `migrate(sessionId, lobbyId, spaceId, bindTimeoutMs)`: move the player, session and avatar,
 *   to lobby `lobbyId` (live entity migration): requests already here finish and reply, the avatar
 *   leaves its space, is saved and released (`onOffline` does not run), and `lobbyId` binds the
 *   session (`rebound` true) into space `spaceId` (`''`: its start space), telling the client
 *   `sys.space`, within `bindTimeoutMs` (the gate's deadline for a bind).
 *   Resolves with the lobby the session is bound to now: `lobbyId`, or this one when `lobbyId`
 *   refused (the avatar was loaded back here). Rejects with LOBBY_ERR_UNKNOWN_SESSION for a
 *   session not bound here, or with what went wrong when neither lobby holds it.
 *
 * `sessionId` is empty for requests on routes that pass before authentication: they may only
 * reach client services.
 */
export interface LobbySessions {
  bind(info: SessionInfo, rebound: boolean): Promise<BindResult>;
  request(sessionId: string, route: string, args: Uint8Array): Promise<Uint8Array>;
  notify(sessionId: string, route: string, args: Uint8Array): Promise<void>;
  close(sessionId: string, reason: string): Promise<void>;
  resumed(sessionId: string): Promise<void>;
  migrate(sessionId: string, lobbyId: string, spaceId: string, bindTimeoutMs: number): Promise<string>;
}

/**
 * The gate side, as a lobby calls it (usually as an RPC notify):
 *
 * - `push(sessionIds, route, body)`: send `body` (msgpack bytes, encoded once) on `route` to every
 *   listed session held by this gate; sessions no longer here are skipped.
 * - `kick(sessionId, reason, lobbyId?)`: close the session's connection with a KICK. With
 *   `lobbyId`, the lobby that asks: a session bound to another lobby now (rebound while the asking
 *   lobby was out of reach) is left alone, since that lobby no longer speaks for it.
 * - `setData(sessionId, key, value)`: keep `value` (msgpack bytes; `null` removes the key) in
 *   the session's data, within SESSION_DATA_LIMITS; the next bind of the session carries it.
 * - `move(sessionId, lobbyId, spaceId)`: move the session's player to space `spaceId` on lobby
 *   `lobbyId` (`''`: that lobby's start space). Answers at once; then the gate holds the
 *   session's new requests, asks its lobby to migrate the player there (`LobbySessions.migrate`:
 *   that lobby tells the client `sys.space`), switches the session to `lobbyId` and replays the
 *   held requests, in order. A session bound nowhere (or unknown to its lobby) binds on `lobbyId`
 *   with `SessionInfo.space` instead.
 *   When the move fails the session is bound back (its old lobby first) and the client hears
 *   `sys.rebound`. Moves of one session run one after the other; a session not here is a no-op.
 * - `pushEach(route, sessionIds, bodies)`: send `bodies[i]` (bytes, sent as they are) on `route`
 *   to `sessionIds[i]`, for each listed session held by this gate (a different body to each:
 *   state sync sends one such call per gate per step).
 * - `moveAndWait(sessionId, lobbyId, spaceId)`: the same move as `move`, answered once it is done
 *   or has failed, with its {@link MoveOutcome} (the matchmaker uses it to learn which players
 *   reached their match and to bound the moves in flight). A caller inside the player's own
 *   request queue on its lobby must not wait for it: the move's close waits for that queue.
 */
export interface GateSessions {
  push(sessionIds: readonly string[], route: string, body: Uint8Array): Promise<void>;
  kick(sessionId: string, reason: string, lobbyId?: string): Promise<void>;
  setData(sessionId: string, key: string, value: Uint8Array | null): Promise<void>;
  move(sessionId: string, lobbyId: string, spaceId: string): Promise<void>;
  pushEach(route: string, sessionIds: readonly string[], bodies: readonly Uint8Array[]): Promise<void>;
  moveAndWait(sessionId: string, lobbyId: string, spaceId: string): Promise<MoveOutcome>;
}
