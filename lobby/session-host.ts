/**
 * The lobby end of client sessions: the 'sessions' RPC service that gates call (the contract is
 * engine/session/session-contract.ts). Serve it with
 * `rpc.serve(LOBBY_SESSIONS_SERVICE, host, LOBBY_SESSIONS_METHODS)`.
 *
 * Path of a request: gate → `request` → the avatar's queue (engine/ecs/entity-queue.ts: one at a
 * time, in arrival order, with the avatar's calls from other servers and its timers) →
 * client-dispatch.ts: route lookup (client-routes.ts) → argument decoding with
 * the client limits → the component or service method → the result, msgpack-encoded. Binding and closing are serialised per uid
 * (keyed-lock.ts) so that a login never loads an avatar its logout is still saving.
 */
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import type { CodecLimits } from '../engine/codec/limits.js';
import type { EntityPersistence, FlushResult } from '../engine/ecs/entity-persistence.js';
import type { EntityRegistry } from '../engine/ecs/entity-registry.js';
import type { World } from '../engine/ecs/world.js';
import type { WorldGroup } from '../engine/ecs/world-group.js';
import type { Module } from '../engine/lifecycle/lifecycle.js';
import type { Logger } from '../engine/log/types.js';
import type { BindResult, LobbySessions, SessionInfo } from '../engine/session/session-contract.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import { AvatarStore } from './avatar-store.js';
import { ClientDispatch } from './client-dispatch.js';
import { ClientRoutes } from './client-routes.js';
import { LobbyError } from './errors.js';
import { GateLink, type GateLinkStats, type GateNotifier } from './gate-link.js';
import { CLIENT_ARGS_LIMITS, DEFAULT_AVATAR_TYPE, lobbySettings, type LobbySettings } from './lobby-defaults.js';
import { PlayerEntity, type SessionDirectory } from './player-entity.js';
import { RemoteSession } from './remote-session.js';
import type { HandOverSteps } from './entity-migration.js';
import { SessionBinder, type AvatarPlacement, type BoundSession } from './session-binder.js';
import type { Tracing } from '../engine/tracing/tracing.js';

/** What a {@link SessionHost} needs; the optional settings are in {@link LobbySettings}, defaults in LOBBY_DEFAULTS. */
export interface SessionHostOptions extends Partial<LobbySettings> {
  /** The lobby's RPC node (an RpcNode): its server id goes in avatar mailboxes, pushes go through it. */
  rpc: GateNotifier & { readonly serverId: string };
  /** The lobby's world, or its worlds (the lobby world and its spaces'). */
  world: World | WorldGroup;
  /** Puts avatars in their space on bind and takes them out on close (the lobby's SpaceHost); without it they stay in the world they load in. */
  placement?: AvatarPlacement;
  registry: EntityRegistry;
  persistence: EntityPersistence;
  clock: Clock;
  logger: Logger;
  /** Registered type of avatars, a {@link PlayerEntity} subclass (default `Avatar`). */
  avatarType?: string;
  /** The avatar's entity id for an account (default `avatar-<uid>`): one avatar per uid, stable across lobbies. */
  avatarId?: (uid: string) => string;
  /** Caps on decoded client arguments (default {@link CLIENT_ARGS_LIMITS}). */
  clientLimits?: Partial<CodecLimits>;
  /** Moves an avatar to another lobby (the lobby's EntityMigration.handOver); without it, `migrate` answers LOBBY_ERR_UNKNOWN_SESSION. */
  handOver?: (avatar: PlayerEntity, lobbyId: string, steps: HandOverSteps) => Promise<void>;
  /** With tracing on, each client request is a span `lobby <route>`, a child of the gate's. */
  tracing?: Tracing;
}

/** The longest deadline a gate may give a migrating player's bind on the new lobby (as `gate.lobbyTimeoutMs`'s cap). */
const MAX_BIND_TIMEOUT_MS = 600_000;

/** Serves gates' sessions on one lobby: binds avatars, runs client routes, saves on close. */
export class SessionHost implements LobbySessions, SessionDirectory, Module {
  readonly name = 'sessions';
  private readonly settings: Readonly<LobbySettings>;
  private readonly routes: ClientRoutes;
  private readonly dispatch: ClientDispatch;
  private readonly avatars: AvatarStore;
  private readonly binder: SessionBinder;
  private readonly gateLink: GateLink;
  private draining: Promise<void> | undefined;
  private flushTimer: ClockTimer | undefined;
  private readonly resumedListeners = new Set<(avatar: PlayerEntity, sessionId: string) => void>();

  /**
   * @throws Error when the avatar type is not registered or does not extend PlayerEntity;
   *   RangeError for a setting out of range.
   */
  constructor(private readonly options: SessionHostOptions) {
    this.settings = lobbySettings(options);
    const avatarType = options.avatarType ?? DEFAULT_AVATAR_TYPE;
    const { cls, order } = options.registry.lookup(avatarType);
    if (!(cls.prototype instanceof PlayerEntity)) throw new Error(`SessionHost: ${avatarType} does not extend PlayerEntity`);
    const codec = new MsgpackCodec();
    this.gateLink = new GateLink(options.rpc, options.logger, codec, () => options.rpc.serverId);
    this.routes = new ClientRoutes(new Set(order.map((c) => c.name)), this.settings.maxRouteLength);
    this.dispatch = new ClientDispatch({
      routes: this.routes,
      clientCodec: new MsgpackCodec({ ...CLIENT_ARGS_LIMITS, ...options.clientLimits }),
      codec,
      logger: options.logger,
      maxUnauthenticatedInFlight: this.settings.maxUnauthenticatedInFlight,
    });
    this.avatars = new AvatarStore({
      world: options.world,
      persistence: options.persistence,
      clock: options.clock,
      logger: options.logger,
      saveAttempts: this.settings.saveAttempts,
      saveRetryMs: this.settings.saveRetryMs,
      claimWaitMs: this.settings.claimWaitMs,
      claimRetryMs: this.settings.claimRetryMs,
    });
    this.binder = new SessionBinder({
      avatars: this.avatars,
      link: this.gateLink,
      directory: this,
      clock: options.clock,
      logger: options.logger,
      avatarType,
      avatarId: options.avatarId ?? ((uid) => `avatar-${uid}`),
      serverId: () => options.rpc.serverId,
      maxIdBytes: this.settings.maxUidBytes,
      settleWaitMs: this.settings.settleWaitMs,
      ...(options.placement ? { placement: options.placement } : {}),
      ...(options.handOver ? { handOver: options.handOver } : {}),
    });
    // A lobby that lost an avatar to another owner stops serving it: the player is kicked and logs in again.
    options.persistence.onOwnershipLost((entity, reason) => {
      this.avatars.lost(entity);
      this.binder.ownershipLost(entity, reason);
    });
  }

  /** Sessions bound here, for load reports. */
  get sessionCount(): number {
    return this.binder.size;
  }

  /** What the lobby sent its gates (pushes, kicks) and what it could not, for metrics. */
  gateLinkStats(): GateLinkStats {
    return this.gateLink.stats();
  }

  /** Entities alive in the lobby's worlds, for load reports. */
  get entityCount(): number {
    return this.options.world.entityCount;
  }

  /** Starts the periodic flush, when `flushIntervalMs` is set. */
  async start(): Promise<void> {
    if (this.settings.flushIntervalMs > 0) this.scheduleFlush();
  }

  /**
   * Registers a client service: `impl`'s `methods` become routes `name.method`, called as
   * `impl.method(caller, ...args)` with the `ClientCaller` (client-routes.ts) first. They are the only routes
   * that run without a session (sessionId `''`). With `replace`, one of that name is replaced.
   * @throws Error for a bad or taken name (unless `replace`), an avatar component's name, or a method that is not one.
   */
  serveClient(name: string, impl: object, methods: readonly string[], replace = false): void {
    this.routes.serve(name, impl, methods, replace);
  }

  /** @inheritDoc LobbySessions.bind */
  async bind(info: SessionInfo, rebound: boolean): Promise<BindResult> {
    this.checkOpen();
    return this.binder.bind(info, rebound === true, () => this.checkOpen());
  }

  /** @inheritDoc LobbySessions.request */
  request(sessionId: string, route: string, args: Uint8Array): Promise<Uint8Array> {
    const { tracing } = this.options;
    if (tracing === undefined) return this.runOrQueue(sessionId, route, args);
    const shown = String(route).slice(0, 128);
    return tracing.inSpan(`lobby ${shown}`, 'server', { 'tessera.route': shown }, 'active', () => this.runOrQueue(sessionId, route, args));
  }

  // A request runs in its avatar's turn, the critical save of what it changed included.
  private runOrQueue(sessionId: string, route: string, args: Uint8Array): Promise<Uint8Array> {
    if (this.draining) return Promise.reject(new LobbyError('LOBBY_ERR_SHUTTING_DOWN', `${String(route).slice(0, 80)} refused`));
    if (sessionId === '') return this.dispatch.runUnauthenticated(route, args);
    const bound = typeof sessionId === 'string' ? this.binder.get(sessionId) : undefined;
    if (!bound) return Promise.reject(new LobbyError('LOBBY_ERR_UNKNOWN_SESSION', String(sessionId).slice(0, 80)));
    const queued = bound.avatar.queue.offer(() => this.runRequest(bound, sessionId, route, args), this.settings.maxQueuedPerSession);
    if (queued) return queued;
    const waiting = bound.avatar.queue.size;
    return Promise.reject(new LobbyError('LOBBY_ERR_QUEUE_FULL', `${waiting} requests, server calls and timers of the avatar waiting, cap ${this.settings.maxQueuedPerSession}`));
  }

  // A request's turn on its avatar's queue. The caller is read now: the session may have moved
  // gates while the request waited. A method that answers at once is answered without a promise.
  private runRequest(bound: BoundSession, sessionId: string, route: string, args: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const { avatar } = bound;
    if (!avatar.alive) throw new LobbyError('LOBBY_ERR_OWNERSHIP_LOST', String(route).slice(0, 80));
    const before = this.options.persistence.pendingCritical(avatar);
    const reply = this.dispatch.run({ sessionId, session: bound.session, avatar }, route, args);
    if (reply instanceof Promise) return reply.then((bytes) => this.afterCritical(avatar, route, before, bytes));
    return this.afterCritical(avatar, route, before, reply);
  }

  // A change the game marked critical is answered only once it is in the store; a request that
  // made none is not held behind an earlier one's save.
  private afterCritical(avatar: PlayerEntity, route: string, before: Promise<boolean> | undefined, reply: Uint8Array): Uint8Array | Promise<Uint8Array> {
    const saving = this.options.persistence.pendingCritical(avatar);
    if (!saving || saving === before) return reply;
    return this.criticalSaved(saving).then((saved) => {
      if (saved) return reply;
      if (!avatar.alive) throw new LobbyError('LOBBY_ERR_OWNERSHIP_LOST', String(route).slice(0, 80));
      throw new LobbyError('LOBBY_ERR_STORE', `${String(route).slice(0, 80)}: the change is kept and saved later, but is not stored yet`);
    });
  }

  /** @inheritDoc LobbySessions.notify */
  async notify(sessionId: string, route: string, args: Uint8Array): Promise<void> {
    try {
      await this.request(sessionId, route, args);
    } catch (err) {
      if (this.dispatch.wasLogged(err)) return;
      this.options.logger.warn('lobby: client notification failed', { err, sessionId, route: String(route).slice(0, 80) });
    }
  }

  /** @inheritDoc LobbySessions.close */
  close(sessionId: string, reason: string): Promise<void> {
    return this.binder.close(sessionId, reason);
  }

  /** @inheritDoc LobbySessions.migrate */
  migrate(sessionId: string, lobbyId: string, spaceId: string, bindTimeoutMs: number): Promise<string> {
    if (this.draining) return Promise.reject(new LobbyError('LOBBY_ERR_SHUTTING_DOWN', 'migrate refused'));
    if (typeof sessionId !== 'string' || typeof lobbyId !== 'string' || lobbyId === '' || typeof spaceId !== 'string' || !Number.isInteger(bindTimeoutMs) || bindTimeoutMs < 1 || bindTimeoutMs > MAX_BIND_TIMEOUT_MS) {
      return Promise.reject(new LobbyError('LOBBY_ERR_BAD_ARGS', `migrate: a session id, a lobby id and a space id (or '') are strings, the bind's deadline 1 to ${MAX_BIND_TIMEOUT_MS} ms`));
    }
    return this.binder.migrate(sessionId, lobbyId, spaceId === '' ? undefined : spaceId, bindTimeoutMs);
  }

  /** @inheritDoc LobbySessions.resumed */
  async resumed(sessionId: string): Promise<void> {
    const bound = typeof sessionId === 'string' ? this.binder.get(sessionId) : undefined;
    if (!bound) return;
    for (const listener of this.resumedListeners) {
      try {
        listener(bound.avatar, sessionId);
      } catch (err) {
        this.options.logger.error('lobby: a resume listener threw', { err, sessionId });
      }
    }
  }

  /**
   * Calls `listener` with the avatar and session id of each session bound here whose client came
   * back on a new connection (the player's space sends it a fresh snapshot).
   * @returns a function that removes the listener.
   */
  onResumed(listener: (avatar: PlayerEntity, sessionId: string) => void): () => void {
    this.resumedListeners.add(listener);
    return () => this.resumedListeners.delete(listener);
  }

  /**
   * A gate left the cluster (it crashed, or its lease ran out): its players' connections are gone,
   * so their sessions are closed as a logout would, saving and releasing the avatars. Players who
   * log in again bind afresh and load what was saved. A session that another gate binds
   * meanwhile (the client resumed it there) is left alone: it lives on, on that gate.
   */
  async gateLeft(gateId: string): Promise<void> {
    const held = this.sessions().filter((session) => session.gateId === gateId);
    const closed = await Promise.all(held.map((session) => this.binder.closeOnGate(session.sessionId, `gate ${gateId} left`, gateId)));
    const sessions = closed.filter(Boolean).length;
    if (sessions > 0) this.options.logger.warn('lobby: gate left; its sessions closed', { gate: gateId, sessions, resumedElsewhere: held.length - sessions });
    else this.options.logger.info('lobby: gate left', { gate: gateId, resumedElsewhere: held.length });
  }

  /** Every bound session's stand-in (for broadcasts to everyone on this lobby). */
  sessions(): RemoteSession[] {
    return this.binder.sessions();
  }

  /** The stand-in of account `uid`'s session, if it is bound here. */
  sessionOf(uid: string): RemoteSession | undefined {
    return this.binder.byUid(uid)?.session;
  }

  /** The avatar of account `uid`'s session, if it is bound here. */
  avatarOf(uid: string): PlayerEntity | undefined {
    return this.binder.byUid(uid)?.avatar;
  }

  /**
   * Saves every dirty entity of the world; call it on an interval (or set `flushIntervalMs`).
   * @throws StoreError when the store fails; the entities stay dirty for the next flush.
   */
  flushDirty(): Promise<FlushResult> {
    return this.avatars.flushDirty();
  }

  /**
   * Stops taking binds and requests (they answer LOBBY_ERR_SHUTTING_DOWN; closes still run), lets
   * the work queued on every bound avatar finish (up to `settleWaitMs`), runs `beforeSave` (the
   * game's stop hooks), and saves every dirty entity.
   */
  drain(beforeSave?: () => Promise<void>): Promise<void> {
    this.draining ??= (async () => {
      await Promise.all(this.binder.all().map((b) => b.avatar.queue.settle(this.options.clock, this.settings.settleWaitMs)));
      await beforeSave?.();
      await this.flushDirty().catch((err: unknown) => this.options.logger.error('lobby: final flush failed', { err }));
      await this.avatars.idle();
      if (this.avatars.unsavedCount > 0) this.options.logger.error('lobby: avatars left unsaved at shutdown', { count: this.avatars.unsavedCount });
      // Other lobbies may load what is saved at once; claims of what is not lapse on their own.
      await this.options.persistence.close();
    })();
    return this.draining;
  }

  /** Drains (if not done yet) and stops the periodic flush. */
  async stop(): Promise<void> {
    if (this.flushTimer) this.options.clock.clearTimer(this.flushTimer);
    this.flushTimer = undefined;
    await this.drain();
  }

  private checkOpen(): void {
    if (this.draining) throw new LobbyError('LOBBY_ERR_SHUTTING_DOWN', 'bind refused');
  }

  // Whether a critical save stored its change, waiting at most `criticalWaitMs`: a save still
  // running then goes on, and its change is kept either way.
  private async criticalSaved(saving: Promise<boolean>): Promise<boolean> {
    const { clock } = this.options;
    let timer: ClockTimer | undefined;
    const late = new Promise<boolean>((resolve) => (timer = clock.setTimer(() => resolve(false), this.settings.criticalWaitMs)));
    try {
      return await Promise.race([saving, late]);
    } finally {
      clock.clearTimer(timer!);
    }
  }

  private scheduleFlush(): void {
    this.flushTimer = this.options.clock.setTimer(() => {
      if (this.draining) return;
      void this.flushDirty()
        .catch((err: unknown) => this.options.logger.error('lobby: periodic flush failed; the changes stay queued for the next one', { err, saveQueue: this.options.world.countDirty() }))
        .finally(() => {
          if (!this.draining) this.scheduleFlush();
        });
    }, this.settings.flushIntervalMs);
  }
}
