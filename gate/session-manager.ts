/**
 * The gate's sessions: authentication, one login per account, binding to a lobby, forwarding in
 * order, pushes (one body to many, or each its own), kicks and session data from lobbies, resume
 * after a dropped connection (the lobby is told), on this gate or, with a resume token any gate
 * checks (resume-token.ts), on another (session-takeover.ts), rebinding when a lobby leaves the
 * cluster (the bind carries the session's data), moves to a space on another lobby, and, when the
 * gate drains, telling clients to move to another gate (client-moves.ts). Where a
 * session is bound, and how it binds and moves, is session-binding.ts.
 */
import { randomBytes } from 'node:crypto';
import { AUTH_ERRORS, AuthError } from '../engine/auth/errors.js';
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';
import type { Discovery } from '../engine/cluster/discovery.js';
import { encode } from '../engine/codec/msgpack-codec.js';
import type { Selector } from '../engine/cluster/select.js';
import type { Logger } from '../engine/log/types.js';
import { decodeAuthRequest, encodeAuthReply } from '../engine/protocol/auth-request.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { TRANSPORT_CLOSED, type CloseReason } from '../engine/protocol/kick.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { RemoteError } from '../engine/rpc/errors.js';
import { GATE_SERVICE, LOBBY_SESSIONS_SERVICE, MOVE_OUTCOME, UNKNOWN_SESSION_CODE, type GateSessions, type MoveOutcome } from '../engine/session/session-contract.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { Agent } from './agent.js';
import { GateError } from './errors.js';
import type { OnlineIndex, OnlineRecord } from '../engine/hub/online-index.js';
import type { ResumeTokens } from './resume-token.js';
import { Session } from './session.js';
import { SessionBinding } from './session-binding.js';
import { SessionEventSource } from './session-event-source.js';
import { SessionTakeover } from './session-takeover.js';
import { SharedPush } from './shared-push.js';

/** Checks a login token; rejects when it is not valid. */
export interface TokenCheck {
  verify(token: string): Promise<{ uid: string }>;
}

/** Settings of a {@link SessionManager}. */
export interface SessionManagerOptions {
  /** This gate's server id (known once registered). */
  gateId(): string;
  rpc: RpcNode;
  discovery: Discovery;
  index: OnlineIndex;
  tokens: TokenCheck;
  /** The server type that hosts sessions: `lobby`, or `standalone` in one process. */
  lobbyType: string;
  /**
   * Picks a lobby for a session (the key is the uid) or for a request before login (the key is
   * `connection:<remote address>`, so that one connection's requests go to one lobby).
   */
  selector: Selector;
  timers: TimerService;
  logger: Logger;
  /** How long a session whose connection dropped waits to be resumed. */
  resumeGraceMs: number;
  /** Issues the resume tokens of this gate's sessions and checks those of every gate of the cluster. */
  resumeTokens: ResumeTokens;
  /** Deadline of a call to a lobby. */
  lobbyTimeoutMs: number;
  /** Counts pushes and their recipients, when metrics are on. */
  metrics?: { pushed(recipients: number): void } | undefined;
}

/** What a forwarded notify answers: nothing, settled once for all of them. */
const NOTHING: Promise<undefined> = Promise.resolve(undefined);

/** The gate's own kicks after which a session is over rather than waiting to be resumed. */
const FINAL_KICKS = new Set(['GATE_ERR_DUPLICATE_LOGIN', 'GATE_ERR_KICKED', 'GATE_ERR_SHUTTING_DOWN', 'GATE_ERR_AUTH_FAILED']);

/** Whether a close ends the session: the client logged out (a KICK with code 0), or the gate ended it. */
function isFinal(reason: CloseReason): boolean {
  if (reason.byPeer) return reason.code === 0 && reason.name !== TRANSPORT_CLOSED;
  return FINAL_KICKS.has(reason.name);
}

/** Every session of one gate. */
export class SessionManager implements GateSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly byUid = new Map<string, Session>();
  private readonly binding: SessionBinding;
  private readonly takeover: SessionTakeover;
  /** Binds, rebinds and closes of this gate's sessions, as they happen (session-events-publisher.ts publishes them). */
  readonly events: SessionEventSource;
  private pushes = 0;
  /** The options of every call to a lobby: one object for all of them. */
  private readonly lobbyCall: { readonly timeoutMs: number };

  constructor(private readonly options: SessionManagerOptions) {
    this.lobbyCall = Object.freeze({ timeoutMs: options.lobbyTimeoutMs });
    this.events = new SessionEventSource(options.logger);
    this.binding = new SessionBinding({ ...options, events: this.events });
    this.takeover = new SessionTakeover({ ...options, callTimeoutMs: options.lobbyTimeoutMs });
  }

  /** Sessions held, attached or waiting to be resumed. */
  get count(): number {
    return this.sessions.size;
  }

  /** Sessions with a connection attached (the others wait to be resumed, here or on another gate). */
  get attachedCount(): number {
    let attached = 0;
    for (const session of this.sessions.values()) if (session.agent) attached++;
    return attached;
  }

  /** `push` calls received from lobbies (one per gate however many sessions each lists), for /health. */
  get pushesReceived(): number {
    return this.pushes;
  }

  /** `sys.auth`: verifies the token, resumes or creates the session, binds it. */
  async authenticate(agent: Agent, payload: Uint8Array): Promise<Uint8Array> {
    const request = decodeAuthRequest(payload);
    if (!request) throw new GateError('GATE_ERR_BAD_REQUEST', `${SYSTEM_ROUTE.AUTH} takes [token, { sessionId, resumeToken }?]`);
    if (agent.session) throw new GateError('GATE_ERR_ALREADY_AUTHENTICATED', agent.session.uid);
    // One sys.auth at a time per connection: a second one racing the first could leave a session
    // that no index knows.
    if (agent.authenticating) throw new GateError('GATE_ERR_ALREADY_AUTHENTICATED', 'authentication in progress');
    agent.authenticating = true;
    try {
      return await this.login(agent, request.token, request.resume);
    } finally {
      agent.authenticating = false;
    }
  }

  private async login(agent: Agent, token: string, resume: { sessionId: string; resumeToken: string } | undefined): Promise<Uint8Array> {
    let uid: string;
    try {
      ({ uid } = await this.options.tokens.verify(token));
    } catch (err) {
      // The client learns which auth code refused it (so that it logs in again on an expired
      // token), not how the verifier got there.
      const error = new GateError('GATE_ERR_AUTH_FAILED', (err as Error).message, err instanceof AuthError ? { clientMessage: `${err.code}: ${AUTH_ERRORS[err.code].message}` } : undefined);
      this.options.logger.info('gate: token refused', { remote: agent.transport.remote, reason: (err as { code?: string }).code ?? error.detail });
      agent.kick(error);
      throw error;
    }
    if (!agent.protocol.isOpen) throw new GateError('GATE_ERR_AUTH_FAILED', 'connection closed during authentication');
    const resumed = resume && (await this.resume(agent, uid, resume));
    if (resumed) return this.reply(resumed, true);
    const session = new Session(randomBytes(12).toString('base64url'), uid);
    // Registered and attached before anything is awaited: a login racing this one finds it and
    // ends it, and a connection that drops meanwhile leaves it to expire like any other.
    const local = this.byUid.get(uid);
    this.sessions.set(session.sessionId, session);
    this.byUid.set(uid, session);
    this.attach(session, agent);
    try {
      await this.evictOthers(uid, session, local);
    } catch (err) {
      // Without the online index one login per account cannot hold: refused, and nothing kept.
      this.options.logger.warn('gate: online index unavailable; login refused', { uid, err });
      await this.end(session, 'GATE_ERR_UNAVAILABLE');
      throw new GateError('GATE_ERR_UNAVAILABLE', `online index: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (session.closed) throw new GateError('GATE_ERR_DUPLICATE_LOGIN', 'a newer login of the same account took over');
    try {
      await this.binding.ensureBound(session);
    } catch (err) {
      // The session exists; the next request binds it again.
      this.options.logger.warn('gate: bind failed', { uid, err });
    }
    return this.reply(session, false);
  }

  /**
   * Forwards a client request or notify to the session's lobby (or, before login, any lobby). A
   * request of a bound session, or one before login, goes out at once, in this turn; one whose
   * session is binding or moving waits for that, in order with the others waiting.
   */
  forward(agent: Agent, route: string, args: Uint8Array, reply: boolean): Promise<Uint8Array | undefined> {
    const session = agent.session;
    if (session === undefined) {
      let lobbyId: string;
      try {
        // Before login there is no uid: a policy that needs a key hashes the connection's address.
        // Not a session: the pick is not counted towards the lobby's sessions.
        lobbyId = this.binding.pickLobby(`connection:${agent.transport.remote}`, { peek: true });
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return this.send(undefined, lobbyId, route, args, reply);
    }
    if (session.lobbyId !== undefined) return this.send(session, session.lobbyId, route, args, reply);
    return this.binding.ensureBound(session).then((lobbyId) => this.send(session, lobbyId, route, args, reply));
  }

  private send(session: Session | undefined, lobbyId: string, route: string, args: Uint8Array, reply: boolean): Promise<Uint8Array | undefined> {
    const sessionId = session?.sessionId ?? '';
    if (!reply) {
      try {
        this.options.rpc.notify(lobbyId, LOBBY_SESSIONS_SERVICE, 'notify', [sessionId, route, args]);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return NOTHING;
    }
    const call = this.options.rpc.call(lobbyId, LOBBY_SESSIONS_SERVICE, 'request', [sessionId, route, args], this.lobbyCall) as Promise<Uint8Array>;
    return session ? call.catch((err: unknown) => this.retry(session, lobbyId, route, args, err)) : call;
  }

  // A request the lobby answered LOBBY_ERR_UNKNOWN_SESSION: sent once more, where the session is bound now.
  private async retry(session: Session, lobbyId: string, route: string, args: Uint8Array, err: unknown): Promise<Uint8Array> {
    if (!(err instanceof RemoteError && err.code === UNKNOWN_SESSION_CODE)) throw err;
    if (session.lobbyId === lobbyId) {
      // The lobby no longer holds the session (it took this gate for gone): bind again, retry once.
      this.options.logger.warn('gate: lobby lost the session; binding it again', { uid: session.uid, lobby: lobbyId });
      session.lobbyId = undefined;
    } else {
      // The session moved to another lobby while the request was on its way: it goes there.
      this.options.logger.debug('gate: request reached the lobby a session left; sent to its new one', { uid: session.uid, lobby: lobbyId });
    }
    const again = await this.binding.ensureBound(session);
    return (await this.options.rpc.call(again, LOBBY_SESSIONS_SERVICE, 'request', [session.sessionId, route, args], this.lobbyCall)) as Uint8Array;
  }

  /** From a lobby: sends `body` on `route` to each listed session here. */
  async push(sessionIds: readonly string[], route: string, body: Uint8Array): Promise<void> {
    this.pushes++;
    this.options.metrics?.pushed(sessionIds.length);
    // Encoded (and compressed) once for all the listed sessions, not once each.
    const shared = new SharedPush(route, body);
    for (const id of sessionIds) {
      try {
        this.sessions.get(id)?.agent?.pushShared(shared);
      } catch (err) {
        // One client that cannot take it (too large for it) must not cost the others theirs.
        this.options.logger.warn('gate: push not delivered', { session: id, route, err });
      }
    }
  }

  /**
   * From a lobby (or the matchmaker): moves the session's player to space `spaceId` on lobby
   * `lobbyId` (`''`: its start space there; session-binding.ts). Answers at once; a session not
   * here is a no-op.
   */
  async move(sessionId: string, lobbyId: string, spaceId: string): Promise<void> {
    void this.startMove(sessionId, lobbyId, spaceId);
  }

  /**
   * From the matchmaker (or a lobby that can wait): the same move as {@link move}, answered once
   * it is done or failed. Never rejects.
   * @returns `moved`, `failed` (refused, or bound back elsewhere) or `absent` (no such session here).
   */
  moveAndWait(sessionId: string, lobbyId: string, spaceId: string): Promise<MoveOutcome> {
    return this.startMove(sessionId, lobbyId, spaceId);
  }

  private startMove(sessionId: string, lobbyId: string, spaceId: string): Promise<MoveOutcome> {
    const session = this.sessions.get(sessionId);
    if (!session || session.closed) {
      this.options.logger.debug('gate: move of a session not here ignored', { session: String(sessionId).slice(0, 80), lobby: lobbyId, space: spaceId });
      return Promise.resolve(MOVE_OUTCOME.ABSENT);
    }
    if (typeof lobbyId !== 'string' || lobbyId === '' || typeof spaceId !== 'string') {
      this.options.logger.warn('gate: move refused: the lobby must be a non-empty string, the space a string', { uid: session.uid });
      return Promise.resolve(MOVE_OUTCOME.FAILED);
    }
    return this.binding.move(session, lobbyId, spaceId);
  }

  /** From a lobby: sends `bodies[i]` on `route` to `sessionIds[i]`, for each listed session here. */
  async pushEach(route: string, sessionIds: readonly string[], bodies: readonly Uint8Array[]): Promise<void> {
    if (!Array.isArray(sessionIds) || !Array.isArray(bodies) || sessionIds.length !== bodies.length) {
      this.options.logger.warn('gate: pushEach refused: one body per session expected', { route });
      return;
    }
    this.options.metrics?.pushed(sessionIds.length);
    for (let i = 0; i < sessionIds.length; i++) {
      try {
        this.sessions.get(sessionIds[i]!)?.agent?.push(route, bodies[i]!);
      } catch (err) {
        this.options.logger.warn('gate: push not delivered', { session: sessionIds[i], route, err });
      }
    }
  }

  /**
   * From another gate, where the client resumed session `sessionId`: this gate lets go of it
   * without ending it (its lobby keeps the avatar, the index entry is the other gate's now), and
   * closes a connection still attached with GATE_ERR_DUPLICATE_LOGIN.
   */
  async handOver(sessionId: string, gateId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session || session.closed) return;
    const agent = session.agent;
    const moved = agent !== undefined && session.toldToMove === agent;
    this.forget(session);
    if (moved) {
      // The client moved as this gate asked: its old connection ends quietly.
      this.options.logger.debug('gate: session moved to another gate', { uid: session.uid, gate: String(gateId).slice(0, 80) });
      agent.protocol.close('moved to another gate');
      return;
    }
    this.options.logger.info('gate: session resumed on another gate', { uid: session.uid, gate: String(gateId).slice(0, 80) });
    agent?.kick(new GateError('GATE_ERR_DUPLICATE_LOGIN', 'the session was resumed on another gate'));
  }

  /**
   * Tells the client of every session attached here and not told yet to move to another gate
   * (`sys.move`, docs/protocol.md): the gate `pick` names, and a fresh resume token that any
   * gate of the cluster takes. The session stays here, bound and served, until the other gate
   * takes it over ({@link handOver}). A session binding, or moving to another lobby, is left for
   * a later call, once its lobby is known.
   * @param pick the gate for the next session, or undefined when there is none (nobody is told).
   * @returns how many clients were told.
   */
  tellToMove(pick: () => GateEndpoint | undefined): number {
    const gateId = this.options.gateId();
    let told = 0;
    for (const session of this.sessions.values()) {
      const agent = session.agent;
      if (!agent || session.closed || session.toldToMove === agent || !agent.protocol.isOpen) continue;
      // A session binding or moving to another lobby is told once that is done: its token names the lobby it ends on.
      if (session.binding !== undefined || session.pendingMoves > 0) continue;
      const gate = pick();
      if (!gate) break;
      const resumeToken = this.options.resumeTokens.issue({ uid: session.uid, sessionId: session.sessionId, gateId, lobbyId: session.lobbyId });
      session.toldToMove = agent;
      agent.push(SYSTEM_ROUTE.MOVE, encode({ gate, resumeToken }));
      told++;
    }
    return told;
  }

  /**
   * From a lobby or another gate: ends a session and closes its connection. A lobby names itself
   * (`lobbyId`): one the session was rebound away from while it was out of reach (its lease ran
   * out) may come back and let go of the avatar it lost, and its kick must not end the session
   * that another lobby serves now, or is being bound to or moved to.
   */
  async kick(sessionId: string, reason: string, lobbyId?: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    // Bound elsewhere, or being bound or moved (no lobby holds it for sure until that ends).
    const elsewhere = session.lobbyId !== undefined || session.binding !== undefined;
    if (typeof lobbyId === 'string' && session.lobbyId !== lobbyId && elsewhere) {
      this.options.logger.info('gate: kick from a lobby the session has left; ignored', { uid: session.uid, from: lobbyId.slice(0, 80), lobby: session.lobbyId ?? 'binding', reason: String(reason).slice(0, 80) });
      return;
    }
    // A lobby's reason is the game's word to its player; a duplicate login says the catalogue's.
    const error = reason === 'GATE_ERR_DUPLICATE_LOGIN' ? new GateError('GATE_ERR_DUPLICATE_LOGIN', 'logged in on another gate') : new GateError('GATE_ERR_KICKED', reason, { clientMessage: reason.slice(0, 256) });
    session.agent?.kick(error);
    await this.end(session, reason);
  }

  /**
   * From a lobby: keeps `value` under `key` in the session's data (`null` removes it), for the
   * next bind to carry. A value past the caps is refused and logged; the lobby checks them first.
   */
  async setData(sessionId: string, key: string, value: Uint8Array | null): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    try {
      if (value === null) session.data.delete(key);
      else session.data.set(key, value);
    } catch (err) {
      this.options.logger.warn('gate: session data refused', { session: sessionId, uid: session.uid, err });
    }
  }

  /** Session `sessionId` here (its account and lobby), for the admin API; undefined when it is not here. */
  describe(sessionId: string): { uid: string; lobby?: string } | undefined {
    const session = this.sessions.get(sessionId);
    if (!session || session.closed) return undefined;
    return session.lobbyId === undefined ? { uid: session.uid } : { uid: session.uid, lobby: session.lobbyId };
  }

  /** The online-index entries of this gate's sessions, for their refresh. */
  records(): OnlineRecord[] {
    const gateId = this.options.gateId();
    const records: OnlineRecord[] = [];
    for (const session of this.sessions.values()) if (session.listed && !session.closed) records.push({ uid: session.uid, gateId, sessionId: session.sessionId });
    return records;
  }

  /**
   * The online index says these accounts logged in elsewhere: their sessions here end, but a
   * session resumed on another gate (the index names the same session there) is let go without
   * ending it, as {@link handOver} would.
   */
  takenOver(records: readonly OnlineRecord[]): Promise<void> {
    return Promise.all(records.map((record) => this.lost(record))).then(() => undefined);
  }

  /** A connection closed: its session ends, or waits to be resumed when the client may come back. */
  agentClosed(agent: Agent, reason: CloseReason): void {
    const session = agent.session;
    if (!session || session.agent !== agent) return;
    session.agent = undefined;
    if (isFinal(reason)) {
      void this.end(session, reason.name);
      return;
    }
    session.expiry = this.options.timers.once(this.options.resumeGraceMs, () => void this.end(session, 'not resumed'));
  }

  /**
   * A lobby left the cluster: its sessions bind elsewhere and their clients hear `sys.rebound`;
   * with no lobby left, each binds at its next request.
   */
  lobbyRemoved(lobbyId: string): void {
    this.binding.rebindAll([...this.sessions.values()].filter((session) => session.lobbyId === lobbyId));
  }

  /** Ends every session (gate shutdown): kicks the clients and tells the lobbies, which save. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((session) => {
        session.agent?.kick(new GateError('GATE_ERR_SHUTTING_DOWN', 'reconnect to another gate'));
        return this.end(session, 'gate shutting down');
      }),
    );
  }

  private async lost(record: OnlineRecord): Promise<void> {
    const session = this.sessions.get(record.sessionId);
    if (!session || session.uid !== record.uid) return;
    const now = await this.options.index.lookup(record.uid).catch(() => undefined);
    if (now?.sessionId === record.sessionId && now.gateId !== record.gateId) return this.handOver(record.sessionId, now.gateId);
    session.agent?.kick(new GateError('GATE_ERR_DUPLICATE_LOGIN', 'the account is logged in on another gate'));
    await this.end(session, 'GATE_ERR_DUPLICATE_LOGIN');
  }

  /**
   * The session `resume` names, attached to `agent`: held here, or taken over from the gate that
   * issued the token. `undefined` when the session is over (a new one is made instead).
   * @throws GateError GATE_ERR_RESUME_FORGED, _EXPIRED, _OTHER_ACCOUNT (resume-token.ts) or
   *   _REPLAYED: the token is not the newest of a session that lives on.
   */
  private async resume(agent: Agent, uid: string, resume: { sessionId: string; resumeToken: string }): Promise<Session | undefined> {
    const claims = this.options.resumeTokens.verify(resume.resumeToken, uid, resume.sessionId);
    const me = this.options.gateId();
    const local = this.sessions.get(claims.sessionId);
    if (local && !local.closed) {
      // Resumed here from another gate since: this gate issued the newer token.
      if (claims.gateId !== me) throw new GateError('GATE_ERR_RESUME_REPLAYED', `the session moved here from ${claims.gateId}`);
      this.attach(local, agent);
      this.tellResumed(local);
      return local;
    }
    if (!(await this.takeover.take(claims))) return undefined;
    const session = new Session(claims.sessionId, uid);
    session.preferredLobby = claims.lobbyId;
    session.resumedFrom = claims.gateId;
    // Listed already: take() wrote the index entry.
    session.listed = true;
    const older = this.byUid.get(uid);
    this.sessions.set(session.sessionId, session);
    this.byUid.set(uid, session);
    if (older && older !== session) {
      older.agent?.kick(new GateError('GATE_ERR_DUPLICATE_LOGIN', 'the session of another connection was resumed'));
      await this.end(older, 'GATE_ERR_DUPLICATE_LOGIN');
    }
    if (agent.protocol.isOpen) this.attach(session, agent);
    else session.expiry = this.options.timers.once(this.options.resumeGraceMs, () => void this.end(session, 'not resumed'));
    try {
      await this.binding.ensureBound(session);
      this.tellResumed(session);
    } catch (err) {
      this.options.logger.warn('gate: bind of a resumed session failed', { uid, err });
    }
    this.options.logger.info('gate: session resumed from another gate', { uid, from: claims.gateId, lobby: session.lobbyId });
    return session;
  }

  private attach(session: Session, agent: Agent): void {
    const previous = session.agent;
    if (previous && previous !== agent) {
      previous.session = undefined;
      previous.kick(new GateError('GATE_ERR_DUPLICATE_LOGIN', 'the session was resumed on another connection'));
    }
    if (session.expiry !== undefined) this.options.timers.cancel(session.expiry);
    session.expiry = undefined;
    session.agent = agent;
    agent.session = session;
  }

  /** One login per account: ends this gate's other session and kicks one on another gate. */
  private async evictOthers(uid: string, session: Session, local: Session | undefined): Promise<void> {
    const { index, rpc, lobbyTimeoutMs } = this.options;
    if (local) {
      local.agent?.kick(new GateError('GATE_ERR_DUPLICATE_LOGIN', 'logged in again'));
      await this.end(local, 'GATE_ERR_DUPLICATE_LOGIN');
    }
    const previous = await index.claim(uid, { gateId: this.options.gateId(), sessionId: session.sessionId });
    // Ended while the claim was in flight: its release may have run first and found nothing.
    if (session.closed) await index.release(uid, session.sessionId).catch((err: unknown) => this.options.logger.warn('gate: online index release failed', { err }));
    else session.listed = true;
    if (previous && previous.gateId !== this.options.gateId()) {
      // The other gate ends its session (its lobby saves) before this one binds and loads.
      await rpc.call(previous.gateId, GATE_SERVICE, 'kick', [previous.sessionId, 'GATE_ERR_DUPLICATE_LOGIN'], { timeoutMs: lobbyTimeoutMs }).catch((err: unknown) =>
        this.options.logger.warn('gate: could not reach the gate of an earlier login', { uid, gate: previous.gateId, err }),
      );
    }
  }

  // The session is no longer this gate's: out of the maps, detached, its timer cancelled.
  private forget(session: Session, handedOver = true): void {
    session.closed = true;
    session.handedOver = handedOver;
    if (session.expiry !== undefined) this.options.timers.cancel(session.expiry);
    session.expiry = undefined;
    if (this.sessions.get(session.sessionId) === session) this.sessions.delete(session.sessionId);
    if (this.byUid.get(session.uid) === session) this.byUid.delete(session.uid);
    if (session.agent) session.agent.session = undefined;
    session.agent = undefined;
  }

  private async end(session: Session, reason: string): Promise<void> {
    if (session.closed) return;
    this.forget(session, false);
    const lobbyId = session.lobbyId ?? (await session.binding?.catch(() => undefined));
    this.events.emit('close', session, lobbyId, reason);
    if (lobbyId) await this.binding.close(session, lobbyId, reason);
    await this.options.index.release(session.uid, session.sessionId).catch((err: unknown) => this.options.logger.warn('gate: online index release failed', { err }));
  }

  // The lobby's space sends the resumed client a fresh snapshot; a session binding or moving gets one from its bind.
  private tellResumed(session: Session): void {
    if (!session.lobbyId) return;
    try {
      this.options.rpc.notify(session.lobbyId, LOBBY_SESSIONS_SERVICE, 'resumed', [session.sessionId]);
    } catch (err) {
      this.options.logger.warn('gate: could not tell the lobby of a resume', { uid: session.uid, lobby: session.lobbyId, err });
    }
  }

  private reply(session: Session, resumed: boolean): Uint8Array {
    const gateId = this.options.gateId();
    const resumeToken = this.options.resumeTokens.issue({ uid: session.uid, sessionId: session.sessionId, gateId, lobbyId: session.lobbyId });
    return encodeAuthReply({ uid: session.uid, sessionId: session.sessionId, resumeToken, resumed, gateId });
  }
}
