/**
 * Which sessions are bound to this lobby, and the steps that bind and release them. Binding and
 * releasing run one at a time per uid (keyed-lock.ts): a login never loads an avatar that the
 * last logout is still saving, and a second login of the same uid takes the live avatar over
 * from the first session (the gate allows one login per uid, so the first one is gone). The
 * avatar's hooks run here: `onOnline` (or `onRebound`) once a bind is done, `onOffline` before a
 * close saves (player-hooks.ts). A player moving to another lobby (`migrate`, the gate's `move`)
 * is not leaving the game: its avatar moves by live migration (entity-migration.ts) with its
 * session, without `onOffline`, and the other lobby's bind runs `onRebound`.
 */
import type { Entity } from '../engine/ecs/entity.js';
import type { Logger } from '../engine/log/types.js';
import type { BindResult, SessionInfo } from '../engine/session/session-contract.js';
import { SessionDataMap } from '../engine/session/session-data-map.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import type { AvatarStore } from './avatar-store.js';
import type { HandOverSteps } from './entity-migration.js';
import { LobbyError } from './errors.js';
import { SpaceError } from './space-errors.js';
import type { GateLink } from './gate-link.js';
import { KeyedLock } from './keyed-lock.js';
import type { PlayerEntity, SessionDirectory } from './player-entity.js';
import { runPlayerHook, type PlayerHook } from './player-hooks.js';
import { RemoteSession } from './remote-session.js';

/** One session bound here. */
export interface BoundSession {
  readonly uid: string;
  readonly sessionId: string;
  /** Replaced when the session turns up on another gate. */
  session: RemoteSession;
  /** Its requests run on the avatar's queue, with the avatar's server calls and timers. */
  readonly avatar: PlayerEntity;
  /** What `bind` answered, answered again to a repeated bind. */
  readonly result: BindResult;
}

/**
 * Where a bound avatar is in the lobby: its space (space-host.ts). The binder calls it while it
 * binds and closes a session; the moves themselves run on the avatar's queue.
 */
export interface AvatarPlacement {
  /**
   * Puts a just-bound avatar where it belongs (the space the bind named, else the game's start
   * space, else nowhere) before `onOnline` runs. Never fails a bind for a space: it logs instead.
   */
  placeOnBind(avatar: PlayerEntity, spaceId: string | undefined): Promise<void>;
  /**
   * Checks, before anything is loaded, that space `spaceId` named by a bind (a player moving here
   * from another lobby) is here and has room, so that the gate can bind the player back where it
   * was instead.
   * @throws SpaceError SPACE_ERR_NOT_FOUND, SPACE_ERR_FULL.
   */
  checkArrival(spaceId: string): void;
  /** Takes a closing session's avatar out of its space (`onPlayerLeave`) after `onOffline`, before the save. */
  leaveOnClose(avatar: PlayerEntity): Promise<void>;
}

/** What a {@link SessionBinder} needs. */
export interface SessionBinderOptions {
  avatars: AvatarStore;
  link: GateLink;
  directory: SessionDirectory;
  clock: Clock;
  logger: Logger;
  avatarType: string;
  avatarId: (uid: string) => string;
  /** This lobby's server id, read at each bind (it may be assigned after construction). */
  serverId: () => string;
  maxIdBytes: number;
  settleWaitMs: number;
  placement?: AvatarPlacement;
  /** Moves an avatar to another lobby (EntityMigration.handOver); without it, `migrate` is refused. */
  handOver?: (avatar: PlayerEntity, lobbyId: string, steps: HandOverSteps) => Promise<void>;
}

const noop = (): void => undefined;

// Ids end up in store ids and log lines: no control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The bound sessions of one lobby. */
export class SessionBinder {
  private readonly byId = new Map<string, BoundSession>();
  private readonly byUidMap = new Map<string, BoundSession>();
  /** Binds in flight by session id, so that a close arriving meanwhile waits for them. */
  private readonly binding = new Map<string, Promise<unknown>>();
  private readonly locks = new KeyedLock();

  constructor(private readonly options: SessionBinderOptions) {}

  /** Sessions bound. */
  get size(): number {
    return this.byId.size;
  }

  /** The bound session `sessionId`, if any. */
  get(sessionId: string): BoundSession | undefined {
    return this.byId.get(sessionId);
  }

  /** The bound session of account `uid`, if any. */
  byUid(uid: string): BoundSession | undefined {
    return this.byUidMap.get(uid);
  }

  /** Every bound session. */
  all(): BoundSession[] {
    return [...this.byId.values()];
  }

  /** Every bound session's stand-in. */
  sessions(): RemoteSession[] {
    return this.all().map((b) => b.session);
  }

  /**
   * Binds `info`'s session: see LobbySessions.bind. `checkOpen` runs once the uid's earlier steps
   * are done, so a bind that waited through the start of a drain is refused.
   * @throws LobbyError LOBBY_ERR_BAD_ARGS for malformed info or a session id bound to another uid;
   *   LOBBY_ERR_STORE (see AvatarStore.loadOrCreate); what `checkOpen` throws.
   */
  bind(info: SessionInfo, rebound: boolean, checkOpen: () => void): Promise<BindResult> {
    const data = this.checkInfo(info);
    const { sessionId, uid, gateId, space } = info;
    const step = this.locks.run(uid, () => {
      checkOpen();
      if (space !== undefined) this.checkArrival(space);
      return this.bindLocked({ sessionId, uid, gateId, ...(space === undefined ? {} : { space }) }, data, rebound);
    });
    this.binding.set(sessionId, step);
    const forget = (): void => {
      if (this.binding.get(sessionId) === step) this.binding.delete(sessionId);
    };
    step.then(forget, forget);
    return step;
  }

  /**
   * Releases session `sessionId`: see LobbySessions.close. Unknown sessions are a no-op.
   * Not async on purpose: the session is forgotten in the turn the close arrives, before a bind
   * that arrives after it can take the avatar over.
   */
  close(sessionId: string, reason: string): Promise<void> {
    return this.closeOn(sessionId, reason, undefined).then(noop);
  }

  /**
   * Releases session `sessionId` if it is still on gate `gateId` once the binds in flight are
   * done: one that another gate bound meanwhile (the client resumed it there) lives on.
   * @returns whether it was released.
   */
  closeOnGate(sessionId: string, reason: string, gateId: string): Promise<boolean> {
    return this.closeOn(sessionId, reason, gateId);
  }

  /**
   * Moves session `sessionId` and its avatar to lobby `lobbyId`, into `space` there (see
   * LobbySessions.migrate): after the uid's earlier steps and the work queued on the avatar, it
   * leaves its space, is saved and released, and the other lobby binds the session. When that
   * lobby refuses, the session is bound here again (the avatar loaded back, `onRebound`).
   * `bindTimeoutMs`: the deadline of the other lobby's bind.
   * @returns the lobby the session is bound to now.
   * @throws LobbyError LOBBY_ERR_UNKNOWN_SESSION for a session not bound here; what the move
   *   threw when the session could not be bound here again either.
   */
  migrate(sessionId: string, lobbyId: string, space: string | undefined, bindTimeoutMs: number): Promise<string> {
    const binding = this.binding.get(sessionId);
    if (binding) return binding.then(noop, noop).then(() => this.migrate(sessionId, lobbyId, space, bindTimeoutMs));
    const bound = this.byId.get(sessionId);
    const { handOver } = this.options;
    if (!bound || !handOver) return Promise.reject(new LobbyError('LOBBY_ERR_UNKNOWN_SESSION', String(sessionId).slice(0, 80)));
    if (lobbyId === this.options.serverId()) return this.moveHere(bound, space);
    // Forgotten at once: nothing new starts on it here (the gate holds the client's requests).
    this.forget(bound);
    return this.locks.run(bound.uid, async () => {
      const { avatar, session } = bound;
      const data = SessionDataMap.fromRecord(session.data.toRecord());
      const info: SessionInfo = { sessionId, uid: bound.uid, gateId: session.gateId, data: data.toRecord() };
      try {
        await handOver(avatar, lobbyId, {
          session: space === undefined ? info : { ...info, space },
          acceptTimeoutMs: bindTimeoutMs,
          before: () => this.leaveForMove(bound),
          unload: async () => {
            if (!(await this.options.avatars.release(avatar))) throw new Error(`avatar ${avatar.id} was not saved`);
          },
          reload: async () => {
            await this.bindLocked(info, data, true);
          },
        });
        this.options.logger.info('lobby: session moved to another lobby', { sessionId, uid: bound.uid, lobby: lobbyId });
        return lobbyId;
      } catch (err) {
        if (this.byId.has(sessionId)) return this.options.serverId();
        throw err;
      }
    });
  }

  private closeOn(sessionId: string, reason: string, gateId: string | undefined): Promise<boolean> {
    const binding = this.binding.get(sessionId);
    if (binding) return binding.then(noop, noop).then(() => this.closeOn(sessionId, reason, gateId));
    const bound = this.byId.get(sessionId);
    if (!bound || (gateId !== undefined && bound.session.gateId !== gateId)) return Promise.resolve(false);
    this.forget(bound);
    return this.locks.run(bound.uid, () => this.release(bound, String(reason))).then(() => true);
  }

  /**
   * The lobby lost `avatar` to another owner: its session is forgotten (later requests answer
   * LOBBY_ERR_UNKNOWN_SESSION) and kicked with reason LOBBY_ERR_OWNERSHIP_LOST, so that the
   * player logs in again and binds where the avatar is now.
   */
  ownershipLost(avatar: Entity, reason: string): void {
    const bound = this.all().find((b) => b.avatar === avatar);
    if (!bound) return;
    this.forget(bound);
    this.options.logger.error('lobby: avatar ownership lost; session kicked', { sessionId: bound.sessionId, uid: bound.uid, entityId: bound.avatar.id, reason });
    bound.session.kick('LOBBY_ERR_OWNERSHIP_LOST');
  }

  private async bindLocked(info: SessionInfo, data: SessionDataMap, rebound: boolean): Promise<BindResult> {
    const { avatars, link, directory, logger } = this.options;
    const same = this.byId.get(info.sessionId);
    if (same) {
      if (same.uid !== info.uid) throw new LobbyError('LOBBY_ERR_BAD_ARGS', `session ${info.sessionId} is bound to another uid`);
      if (same.session.gateId !== info.gateId) {
        // Resumed on another gate, which starts without the session's data: it gets this lobby's copy.
        const kept = data.size === 0 ? SessionDataMap.fromRecord(same.session.data.toRecord()) : data;
        if (kept !== data) for (const [key, value] of Object.entries(kept.toRecord())) link.setData(info.gateId, info.sessionId, key, value);
        same.session = new RemoteSession(info.uid, info.sessionId, info.gateId, link, kept);
        same.avatar.attachSession(same.session, directory);
        logger.info('lobby: session moved to another gate', { sessionId: info.sessionId, uid: info.uid, gateId: info.gateId });
      }
      return same.result;
    }
    const older = this.byUidMap.get(info.uid);
    let avatar: PlayerEntity;
    let loaded: boolean;
    if (older) {
      this.forget(older);
      await this.settle(older);
      ({ avatar } = older);
      loaded = true;
    } else {
      ({ avatar, loaded } = await avatars.loadOrCreate(this.options.avatarType, this.options.avatarId(info.uid)));
    }
    const session = new RemoteSession(info.uid, info.sessionId, info.gateId, link, data);
    const bound: BoundSession = {
      uid: info.uid,
      sessionId: info.sessionId,
      session,
      avatar,
      result: { avatar: { serverId: this.options.serverId(), entityId: avatar.id }, loaded },
    };
    avatar.attachSession(session, directory);
    this.byId.set(info.sessionId, bound);
    this.byUidMap.set(info.uid, bound);
    logger.info('lobby: session bound', { sessionId: info.sessionId, uid: info.uid, gateId: info.gateId, rebound, loaded, replaced: older?.sessionId });
    await this.place(bound, info.space);
    await this.hook(bound, rebound ? 'onRebound' : 'onOnline');
    return bound.result;
  }

  private async release(bound: BoundSession, reason: string): Promise<void> {
    const settled = await this.settle(bound);
    if (this.byUidMap.get(bound.uid)?.avatar === bound.avatar) return; // a newer session holds it now
    // onOffline runs in the avatar's queue: behind a request that never settles it could not run
    // before the save, so the close goes on without it rather than wait twice.
    if (!settled) this.options.logger.warn('lobby: onOffline skipped: the avatar is still busy', { sessionId: bound.sessionId, entityId: bound.avatar.id });
    const hook = settled ? this.hook(bound, 'onOffline', reason) : undefined;
    // Queued right behind the hook: a server call that arrives while the avatar is saved and
    // leaves the world waits, then finds it gone, instead of changing what is being saved.
    const held = settled ? this.holdQueue(bound) : undefined;
    await hook;
    const unhold = await held;
    // Out of its space before the save, while the queue is held.
    await this.options.placement?.leaveOnClose(bound.avatar).catch((err: unknown) => {
      this.options.logger.error('lobby: taking an avatar out of its space failed', { err, sessionId: bound.sessionId, entityId: bound.avatar.id });
    });
    bound.avatar.attachSession(undefined, undefined);
    let saved = false;
    try {
      saved = await this.options.avatars.release(bound.avatar);
    } catch (err) {
      this.options.logger.error('lobby: releasing an avatar failed', { err, sessionId: bound.sessionId, entityId: bound.avatar.id });
    } finally {
      unhold?.();
    }
    this.options.logger.info('lobby: session closed', { sessionId: bound.sessionId, uid: bound.uid, reason, saved });
  }

  // A move to this lobby: no hand-over; in its turn the avatar leaves its space, then the session
  // is bound again into `space` (`onRebound`), as a player arriving from elsewhere would be. A
  // space that cannot take it refuses before anything changes.
  private async moveHere(bound: BoundSession, space: string | undefined): Promise<string> {
    if (space !== undefined) this.checkArrival(space);
    this.forget(bound);
    const data = SessionDataMap.fromRecord(bound.session.data.toRecord());
    const info: SessionInfo = { sessionId: bound.sessionId, uid: bound.uid, gateId: bound.session.gateId, ...(space === undefined ? {} : { space }) };
    return this.locks.run(bound.uid, async () => {
      await bound.avatar.queue.after(() => this.leaveForMove(bound));
      await this.bindLocked(info, data, true);
      return this.options.serverId();
    });
  }

  // A moving avatar's first step, in its turn: out of its space, its session detached.
  private async leaveForMove(bound: BoundSession): Promise<void> {
    await this.options.placement?.leaveOnClose(bound.avatar).catch((err: unknown) => {
      this.options.logger.error('lobby: taking an avatar out of its space failed', { err, sessionId: bound.sessionId, entityId: bound.avatar.id });
    });
    bound.avatar.attachSession(undefined, undefined);
  }

  // Takes the avatar's queue once the work queued before is done (waiting `settleWaitMs` at most)
  // and holds it until the returned function is called.
  private async holdQueue(bound: BoundSession): Promise<() => void> {
    const { clock, settleWaitMs } = this.options;
    let unhold!: () => void;
    const held = new Promise<void>((resolve) => (unhold = resolve));
    let timer: ClockTimer | undefined;
    await new Promise<void>((resolve) => {
      timer = clock.setTimer(resolve, settleWaitMs);
      void bound.avatar.queue.after(() => {
        resolve();
        return held;
      });
    });
    clock.clearTimer(timer!);
    return unhold;
  }

  private checkArrival(spaceId: string): void {
    const { placement } = this.options;
    if (!placement) throw new SpaceError('SPACE_ERR_NOT_FOUND', `${spaceId}: this lobby hosts no spaces`);
    placement.checkArrival(spaceId);
  }

  // A placement that fails is logged: the player is bound all the same, in the lobby world.
  private async place(bound: BoundSession, spaceId: string | undefined): Promise<void> {
    try {
      await this.options.placement?.placeOnBind(bound.avatar, spaceId);
    } catch (err) {
      this.options.logger.error('lobby: placing an avatar in its space failed', { err, sessionId: bound.sessionId, entityId: bound.avatar.id, spaceId });
    }
  }

  private hook(bound: BoundSession, hook: PlayerHook, ...args: string[]): Promise<void> {
    const { clock, logger, settleWaitMs } = this.options;
    return runPlayerHook(bound.avatar, hook, args, { clock, logger, maxWaitMs: settleWaitMs, sessionId: bound.sessionId });
  }

  // Lets the avatar's queued work finish before it changes hands or is saved; false when some
  // was still running after the settle wait.
  private async settle(bound: BoundSession): Promise<boolean> {
    const settled = await bound.avatar.queue.settle(this.options.clock, this.options.settleWaitMs);
    if (!settled) this.options.logger.warn('lobby: a request was still running after the settle wait', { sessionId: bound.sessionId, waitMs: this.options.settleWaitMs });
    return settled;
  }

  private forget(bound: BoundSession): void {
    if (this.byId.get(bound.sessionId) === bound) this.byId.delete(bound.sessionId);
    if (this.byUidMap.get(bound.uid) === bound) this.byUidMap.delete(bound.uid);
  }

  // Returns the session's data the bind carried.
  private checkInfo(info: SessionInfo): SessionDataMap {
    const bad = (what: string): never => {
      throw new LobbyError('LOBBY_ERR_BAD_ARGS', `bind: ${what}`);
    };
    if (typeof info !== 'object' || info === null) bad('session info is not an object');
    for (const key of ['sessionId', 'uid', 'gateId', 'space'] as const) {
      const value: unknown = info[key];
      if (key === 'space' && value === undefined) continue;
      if (typeof value !== 'string' || value.length === 0) bad(`${key} is not a non-empty string`);
      if (Buffer.byteLength(value as string) > this.options.maxIdBytes) bad(`${key} is longer than ${this.options.maxIdBytes} bytes`);
      if (CONTROL.test(value as string)) bad(`${key} holds control characters`);
    }
    try {
      return SessionDataMap.fromRecord(info.data);
    } catch (err) {
      return bad((err as Error).message);
    }
  }
}
