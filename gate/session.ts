/**
 * Who a player is on this gate: the account, the session id that survives reconnects, and the
 * lobby the session is bound to. The connection (an {@link Agent}) comes and goes: a session
 * whose connection dropped waits a grace period for the client to resume it, on this gate or,
 * with its resume token (resume-token.ts), on another. The session's data,
 * which lobbies store here, lives as long as the session: every bind carries it.
 */
import { SessionDataMap } from '../engine/session/session-data-map.js';
import type { TimerId } from '../engine/timer/timer-service.js';
import type { Agent } from './agent.js';

/** One player's session. */
export class Session {
  /** The connection, while attached. */
  agent: Agent | undefined;
  /** The lobby it is bound to; `undefined` until bound, and while a rebind is due. */
  lobbyId: string | undefined;
  /** Whether it was ever bound (a later bind is a rebind). */
  wasBound = false;
  /** The bind or move in progress, which requests wait for; it resolves with the lobby to send them to. */
  binding: Promise<string> | undefined;
  /** The moves asked for (session-binding.ts), run one after the other. */
  moves: Promise<void> = Promise.resolve();
  /** Moves waiting or running. */
  pendingMoves = 0;
  /** The timer that ends a detached session. */
  expiry: TimerId | undefined;
  /** Set once the online index holds it (its claim is done); from then on the gate refreshes it. */
  listed = false;
  /** Set once the session is over. */
  closed = false;
  /**
   * Set when the session left this gate without ending: it was resumed on another gate, which
   * holds it now, so this one neither closes it on its lobby nor releases its index entry.
   */
  handedOver = false;
  /**
   * The lobby to bind to first, if it is still registered: the one that held the session on the
   * gate it was resumed from (its avatar is there). Cleared by the first bind.
   */
  preferredLobby: string | undefined;
  /** The gate it was resumed from, for a session taken over from another gate: its first bind here is a rebind for the cluster. */
  resumedFrom: string | undefined;
  /**
   * The connection that was told to move to another gate (a draining gate's `sys.move`), so that
   * one connection is told once and the close of the session's hand-over is a quiet one.
   */
  toldToMove: Agent | undefined;
  /** What lobbies stored for the session (`setData`), sent with every bind. */
  readonly data = new SessionDataMap();

  /**
   * @param sessionId unique in the cluster; it stays the same when the session is resumed on another gate.
   * @param uid the account.
   */
  constructor(
    readonly sessionId: string,
    readonly uid: string,
  ) {}
}
