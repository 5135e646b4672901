/**
 * Where each session of a gate is bound: binding it to a lobby (a policy pick, or the lobby a
 * move names), moving it to a space on another lobby, binding it back when that fails, and
 * closing it on its lobby. While a bind or a move is in progress, `session.binding` is the
 * promise every new request of the session waits for: they go on, in the order they came, to the
 * lobby it resolves with.
 *
 * A move (`GateSessions.move`): hold new requests → `migrate(sessionId, lobbyId, spaceId)` on the
 * old lobby (live entity migration: requests already there finish and reply first, the avatar is
 * saved and handed over, the new lobby binds the session into the space and pushes `sys.space`
 * to the client) → switch the session to the lobby the migration answers → release the held
 * requests. A session bound nowhere, or unknown to its old lobby, or whose old lobby cannot be
 * reached, is bound on the new lobby directly (`bind(info, rebound = true)` with `info.space`).
 * A move that ends elsewhere than asked binds the session back (its old lobby first, then the new
 * one, which may hold the player after all, then any) and pushes `sys.rebound`.
 */
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import { serving, type SelectOptions, type Selector } from '../engine/cluster/select.js';
import { encode } from '../engine/codec/msgpack-codec.js';
import { MOVED_REASON } from '../engine/hub/session-events.js';
import type { Logger } from '../engine/log/types.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { formatRange, speaksWith } from '../engine/rpc/rpc-versions.js';
import { RemoteError } from '../engine/rpc/errors.js';
import { LOBBY_SESSIONS_SERVICE, MOVE_OUTCOME, UNKNOWN_SESSION_CODE, type BindResult, type MoveOutcome, type SessionInfo } from '../engine/session/session-contract.js';
import { GateError } from './errors.js';
import type { Session } from './session.js';
import type { SessionEventSource } from './session-event-source.js';

/** Moves of one session waiting or running at most; a lobby asking for more is refused (logged). */
export const MAX_PENDING_MOVES = 4;

/** What a {@link SessionBinding} needs. */
export interface SessionBindingOptions {
  /** This gate's server id. */
  gateId(): string;
  rpc: RpcNode;
  discovery: Discovery;
  /** The server type that hosts sessions. */
  lobbyType: string;
  /** Picks a lobby for a key (a uid, or `connection:<address>` before login). */
  selector: Selector;
  /** Deadline of a call to a lobby. */
  lobbyTimeoutMs: number;
  logger: Logger;
  /** Where the binding tells of binds and rebinds. */
  events: SessionEventSource;
}

/** Binds, moves and closes the sessions of one gate on lobbies. */
export class SessionBinding {
  constructor(private readonly options: SessionBindingOptions) {}

  /**
   * The lobby `session` is bound to, binding it first when it is not (or waiting for the bind or
   * move in progress). A session bound before hears `sys.rebound`.
   * @throws GateError GATE_ERR_NO_LOBBY when no lobby is registered; what the lobby's bind throws.
   */
  ensureBound(session: Session): Promise<string> {
    if (session.lobbyId) return Promise.resolve(session.lobbyId);
    if (session.binding) return session.binding;
    let lobbyId: string;
    try {
      lobbyId = this.preferred(session) ?? this.pickLobby(session.uid);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const rebound = session.wasBound;
    const binding = this.bind(session, lobbyId, rebound)
      .then((): string | Promise<string> => {
        session.wasBound = true;
        if (session.binding === binding) session.binding = undefined;
        if (session.closed) {
          // A session handed over to another gate lives on there, bound here.
          if (!session.handedOver) void this.close(session, lobbyId, 'closed while binding');
          return lobbyId;
        }
        // The lobby left while the bind was in flight: its removal found nothing to move.
        if (!this.options.discovery.server(lobbyId)) return this.ensureBound(session);
        this.bound(session, lobbyId, rebound);
        return lobbyId;
      })
      .finally(() => {
        if (session.binding === binding) session.binding = undefined;
      });
    session.binding = binding;
    return binding;
  }

  /**
   * Moves `session` to space `spaceId` on lobby `lobbyId`, after the moves of it already asked
   * for. Failures are logged and end with the session bound somewhere.
   * @returns a promise of the move's outcome (it never rejects): `failed` at once when the
   *   session already has {@link MAX_PENDING_MOVES} moves waiting (the move is refused and logged).
   */
  move(session: Session, lobbyId: string, spaceId: string): Promise<MoveOutcome> {
    if (session.pendingMoves >= MAX_PENDING_MOVES) {
      this.options.logger.warn('gate: move refused: too many moves of the session waiting', { uid: session.uid, lobby: lobbyId, space: spaceId, waiting: session.pendingMoves });
      return Promise.resolve(MOVE_OUTCOME.FAILED);
    }
    session.pendingMoves++;
    const outcome = session.moves
      .then(() => this.runMove(session, lobbyId, spaceId))
      .catch((err: unknown): MoveOutcome => {
        this.options.logger.error('gate: move failed', { uid: session.uid, lobby: lobbyId, space: spaceId, err });
        return MOVE_OUTCOME.FAILED;
      })
      .finally(() => session.pendingMoves--);
    session.moves = outcome.then(() => undefined);
    return outcome;
  }

  /** Forgets the lobby of each of `sessions` (theirs left the cluster) and binds them elsewhere; with no lobby left, each binds at its next request. */
  rebindAll(sessions: readonly Session[]): void {
    for (const session of sessions) session.lobbyId = undefined;
    for (const session of sessions) {
      this.ensureBound(session).catch((err: unknown) => this.options.logger.warn('gate: rebind failed; the next request retries', { uid: session.uid, err }));
    }
  }

  /** Tells lobby `lobbyId` that `session` closed with `reason`; a failure is logged, not thrown. */
  async close(session: Session, lobbyId: string, reason: string): Promise<void> {
    const { rpc, lobbyTimeoutMs, logger } = this.options;
    await rpc
      .call(lobbyId, LOBBY_SESSIONS_SERVICE, 'close', [session.sessionId, reason], { timeoutMs: lobbyTimeoutMs })
      .catch((err: unknown) => logger.warn('gate: lobby did not close the session', { uid: session.uid, lobby: lobbyId, err }));
  }

  /**
   * A lobby for `key` by the configured policy, among those that speak an RPC contract version
   * this gate speaks (during a rolling upgrade, lobbies of another build may not).
   * @param options `peek`: for a request that binds no session, so that least-load does not count it.
   * @throws GateError GATE_ERR_NO_LOBBY when none is registered, or none speaks this gate's versions.
   */
  pickLobby(key: string | undefined, options?: SelectOptions): string {
    // A draining lobby binds no new session: its players are moving off it.
    const registered = serving(this.options.discovery.servers(this.options.lobbyType));
    const lobby = this.options.selector.select(registered.filter((s) => this.speaksWith(s)), key, options);
    if (!lobby) throw new GateError('GATE_ERR_NO_LOBBY', registered.length === 0 ? 'no lobby registered and serving' : `no lobby serving speaks RPC contract ${formatRange(this.options.rpc.contractRange)}`);
    return lobby.id;
  }

  private speaksWith(server: ServerInfo): boolean {
    return speaksWith(this.options.rpc.contractRange, server.meta);
  }

  // The lobby a session resumed from another gate was bound to, while it is registered (once).
  private preferred(session: Session): string | undefined {
    const lobbyId = session.preferredLobby;
    session.preferredLobby = undefined;
    const lobby = lobbyId === undefined ? undefined : this.options.discovery.server(lobbyId);
    return lobby?.type === this.options.lobbyType && lobby.draining !== true && this.speaksWith(lobby) ? lobby.id : undefined;
  }

  private async runMove(session: Session, target: string, spaceId: string): Promise<MoveOutcome> {
    const { logger } = this.options;
    if (session.closed) {
      logger.debug('gate: move of a closed session ignored', { uid: session.uid, lobby: target, space: spaceId });
      return MOVE_OUTCOME.ABSENT;
    }
    const from = session.lobbyId ?? (await session.binding?.catch(() => undefined));
    if (session.closed) return MOVE_OUTCOME.ABSENT;
    // From here until the move is done, new requests wait on `held` (forward → ensureBound).
    let resolve!: (lobbyId: string | Promise<string>) => void;
    const held = new Promise<string>((r) => (resolve = r));
    held.catch(() => undefined);
    const unhold = (): void => {
      if (session.binding === held) session.binding = undefined;
    };
    session.lobbyId = undefined;
    session.binding = held;
    const landing = this.moveTo(session, from, target, spaceId, unhold);
    resolve(landing.then((l) => l.lobbyId));
    return landing.then(
      (l) => {
        unhold();
        return l.outcome;
      },
      (err: unknown) => {
        unhold();
        logger.error('gate: no lobby took the session after a failed move; its next request binds it', { uid: session.uid, lobby: target, space: spaceId, err });
        return MOVE_OUTCOME.FAILED;
      },
    );
  }

  // The steps of a move once requests are held; resolves with the lobby the session ends on and
  // whether that is the move's.
  private async moveTo(session: Session, from: string | undefined, target: string, spaceId: string, unhold: () => void): Promise<{ lobbyId: string; outcome: MoveOutcome }> {
    const { logger } = this.options;
    const landed = from ? await this.migrate(session, from, target, spaceId) : undefined;
    if (session.closed) return { lobbyId: landed ?? from ?? target, outcome: landed === target ? MOVE_OUTCOME.MOVED : MOVE_OUTCOME.ABSENT };
    if (landed === from && from !== undefined && from !== target) {
      // The new lobby refused: the old one took the player back.
      logger.warn('gate: move refused; the session stays on its lobby', { uid: session.uid, lobby: from, refusedBy: target, space: spaceId });
      this.bound(session, from, true);
      return { lobbyId: from, outcome: MOVE_OUTCOME.FAILED };
    }
    try {
      if (landed === undefined) {
        await this.bind(session, target, true, spaceId);
        // Ended meanwhile: the end waits for this move and closes the session where it lands.
        if (session.closed) return { lobbyId: target, outcome: MOVE_OUTCOME.MOVED };
      }
      if (!this.options.discovery.server(target)) throw new GateError('GATE_ERR_NO_LOBBY', `${target} left during the move`);
      session.lobbyId = target;
      session.wasBound = true;
      this.options.events.emit('rebind', session, target, MOVED_REASON);
      logger.info('gate: session moved', { uid: session.uid, from, lobby: target, space: spaceId });
      return { lobbyId: target, outcome: MOVE_OUTCOME.MOVED };
    } catch (err) {
      logger.warn('gate: move failed; binding the session back', { uid: session.uid, from, lobby: target, space: spaceId, err });
      return { lobbyId: await this.bindBack(session, from, target, unhold), outcome: MOVE_OUTCOME.FAILED };
    }
  }

  // Asks the old lobby to migrate the player: the lobby the session is bound to then; undefined
  // when the old lobby does not hold it, cannot be reached, or could not keep the player after a
  // failed hand-over (the new lobby may hold it: the caller binds it there, which answers the same
  // session when it does).
  private async migrate(session: Session, from: string, target: string, spaceId: string): Promise<string | undefined> {
    const { rpc, lobbyTimeoutMs, logger } = this.options;
    try {
      // Two lobbies' work: the old one's save and the new one's bind, each within a lobby call's deadline.
      return (await rpc.call(from, LOBBY_SESSIONS_SERVICE, 'migrate', [session.sessionId, target, spaceId, lobbyTimeoutMs], { timeoutMs: 2 * lobbyTimeoutMs })) as string;
    } catch (err) {
      if (!(err instanceof RemoteError && err.code === UNKNOWN_SESSION_CODE)) logger.warn('gate: the old lobby did not migrate the session; binding it on the new lobby', { uid: session.uid, lobby: from, target, err });
      return undefined;
    }
  }

  // After a failed move: the old lobby first (where the player was), then the target, then any
  // by the policy. The target may hold the player although the move failed here: the old lobby
  // handed it over as the target's lease lapsed for a moment, or its bind answered too late. No
  // other lobby can load the player then, and the old one only once the target's claim lapses.
  private async bindBack(session: Session, from: string | undefined, target: string, unhold: () => void): Promise<string> {
    if (from && this.options.discovery.server(from)) {
      try {
        await this.bind(session, from, true);
        if (session.closed) return from;
        this.bound(session, from, true);
        return from;
      } catch (err) {
        this.options.logger.warn('gate: binding back to the old lobby failed; binding elsewhere', { uid: session.uid, lobby: from, err });
      }
    }
    // The held requests now wait on this bind instead; when it fails too, they fail and the
    // session binds again at its next request.
    unhold();
    session.lobbyId = undefined;
    session.wasBound = true;
    // Tried first while registered (ensureBound's preferred lobby), in its start space.
    if (target !== from) session.preferredLobby = target;
    return this.ensureBound(session);
  }

  // A bind succeeded: the session is bound there, and a rebound client hears it.
  private bound(session: Session, lobbyId: string, rebound: boolean): void {
    session.lobbyId = lobbyId;
    session.wasBound = true;
    this.options.events.emit(rebound || session.resumedFrom !== undefined ? 'rebind' : 'bind', session, lobbyId);
    // The client learns that its avatar was reloaded, at once or at its next request.
    if (rebound) session.agent?.push(SYSTEM_ROUTE.REBOUND, encode({ lobbyId }));
  }

  private bind(session: Session, lobbyId: string, rebound: boolean, space?: string): Promise<BindResult> {
    const info: SessionInfo = { sessionId: session.sessionId, uid: session.uid, gateId: this.options.gateId(), data: session.data.toRecord() };
    // '' names no space: the lobby's start space.
    if (space) info.space = space;
    return this.options.rpc.call(lobbyId, LOBBY_SESSIONS_SERVICE, 'bind', [info, rebound], { timeoutMs: this.options.lobbyTimeoutMs }) as Promise<BindResult>;
  }
}
