/**
 * Taking over a session that another gate holds, for a client that shows that gate's resume token
 * here (its gate died, or the client cannot reach it):
 *
 * online index lookup (the session must still be the account's current one, on the token's gate)
 * → `handOver(sessionId, thisGate)` to the old gate, which forgets the session without ending it
 * (a dead gate does not answer: nothing to do) → the index names this gate.
 *
 * The lobby keeps the avatar: this gate binds the same session id there, and the lobby moves the
 * session to this gate (its `gateLeft` for the old gate leaves a session on another gate alone).
 */
import type { Logger } from '../engine/log/types.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { GATE_SERVICE } from '../engine/session/session-contract.js';
import { GateError } from './errors.js';
import type { OnlineIndex } from '../engine/hub/online-index.js';
import type { ResumeClaims } from './resume-token.js';

/** What a {@link SessionTakeover} needs. */
export interface SessionTakeoverOptions {
  /** This gate's server id. */
  gateId(): string;
  rpc: RpcNode;
  index: OnlineIndex;
  /** Deadline of the call to the old gate. */
  callTimeoutMs: number;
  logger: Logger;
}

/** Moves sessions of other gates to this one. */
export class SessionTakeover {
  constructor(private readonly options: SessionTakeoverOptions) {}

  /**
   * Takes over the session of `claims` (a verified token of a session this gate does not hold).
   * @returns false when the session is over (it ended, a newer login replaced it, or its gate
   *   left the cluster and its entries were removed): the client gets a new session instead.
   * @throws GateError GATE_ERR_RESUME_REPLAYED when the session was resumed on another gate
   *   since the token was issued (that gate issued a newer one).
   */
  async take(claims: ResumeClaims): Promise<boolean> {
    const { index, rpc, logger } = this.options;
    const me = this.options.gateId();
    const entry = await index.lookup(claims.uid);
    if (!entry || entry.sessionId !== claims.sessionId) return false;
    if (entry.gateId !== claims.gateId) throw new GateError('GATE_ERR_RESUME_REPLAYED', `the session is on gate ${entry.gateId} now, the token is of ${claims.gateId}`);
    // This gate's own session, no longer held here: it is over.
    if (claims.gateId === me) return false;
    try {
      await rpc.call(claims.gateId, GATE_SERVICE, 'handOver', [claims.sessionId, me], { timeoutMs: this.options.callTimeoutMs });
    } catch (err) {
      // Usually the gate died; one that is only unreachable notices at its next index refresh.
      logger.info('gate: the old gate of a resumed session did not answer', { uid: claims.uid, gate: claims.gateId, err });
    }
    const previous = await index.claim(claims.uid, { gateId: me, sessionId: claims.sessionId });
    if (previous && (previous.sessionId !== claims.sessionId || previous.gateId !== claims.gateId)) {
      logger.warn('gate: the account logged in again while its session was resumed here', { uid: claims.uid, replaced: previous });
    }
    return true;
  }
}
