/**
 * Live entity migration: a loaded entity moves from this lobby (S) to another (T) while it is in
 * use. The move is one task in the entity's queue (engine/ecs/entity-queue.ts), so what was
 * queued before it finishes first and what comes after waits:
 *
 *   S: calls wait (forwarding record: leaving) → save and unload (claim released) → release its
 *      names → T `migration.accept(type, id, names, session?)` → T claims and loads it (`onLoad`),
 *      or binds the avatar's session into its space, claims the names, answers → S records id → T.
 *
 * Afterwards S answers calls to the old mailbox with RPC_ERR_ENTITY_MOVED and the caller's node
 * follows it (engine/rpc/rpc-node.ts); calls that waited in the queue get the same answer when
 * their turn comes, and notifications are sent on. When T refuses or fails, S loads the entity
 * back (the names too) and the calls that waited run here: nothing is lost.
 *
 * An avatar moves with its session, and only through its gate, which holds the client's requests
 * meanwhile: `migrate(avatar)` asks the gate (`GateSessions.move`), whose move asks this lobby's
 * `sessions.migrate` (session-binder.ts), which runs {@link EntityMigration.handOver} with the
 * session attached. One path for every move of a player between lobbies (`spaces.enter` too).
 */
import type { Entity } from '../engine/ecs/entity.js';
import type { EntityHost } from '../engine/ecs/entity-host.js';
import type { Logger } from '../engine/log/types.js';
import { RpcError } from '../engine/rpc/errors.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { GATE_SERVICE, type SessionInfo } from '../engine/session/session-contract.js';
import type { EntityNames } from './entity-names.js';
import { MigrationError } from './migration-errors.js';
import type { MigrationRecords } from './migration-records.js';
import { PlayerEntity } from './player-entity.js';

/** The RPC service every lobby serves for moves to it. */
export const MIGRATION_SERVICE = 'migration';
/** Methods of {@link MIGRATION_SERVICE}. */
export const MIGRATION_METHODS = ['accept'] as const;

/** The entity a move is about, read before it leaves the world. */
interface Who {
  id: string;
  typeName: string;
}

/** Names one entity may carry along a move. */
const MAX_NAMES = 64;

/** What a {@link EntityMigration} needs. */
export interface EntityMigrationOptions {
  rpc: Pick<RpcNode, 'call' | 'serverId'>;
  /** The lobby's worlds: whether an entity is live here, and where. */
  world: { find(id: string): Entity | undefined; readonly home: { find(id: string): Entity | undefined } };
  host: Pick<EntityHost, 'load' | 'unload'>;
  names: EntityNames;
  records: MigrationRecords;
  /** Binds an arriving avatar's session (the session host's `bind`, with `rebound` true). */
  bindArriving(info: SessionInfo): Promise<unknown>;
  logger: Logger;
  /** Deadline of the call to the target lobby's `accept`. */
  acceptTimeoutMs: number;
}

/** How {@link EntityMigration.handOver} lets go of the entity and takes it back. */
export interface HandOverSteps {
  /** Runs first, in the entity's turn (an avatar leaves its space). */
  before?(): Promise<void>;
  /** Saves the entity and takes it out of the world (default: the host's `unload`); throws when it stays. */
  unload?(): Promise<void>;
  /** Loads the entity back after a failed move (default: the host's `load`). */
  reload?(): Promise<void>;
  /** For an avatar: its session, which the target binds (with `space`, its space there). */
  session?: SessionInfo;
  /** Deadline of the target's `accept` (default: the lobby's `acceptTimeoutMs`). */
  acceptTimeoutMs?: number;
}

/** Moves this lobby's entities to other lobbies, and takes theirs in. */
export class EntityMigration {
  constructor(private readonly options: EntityMigrationOptions) {}

  /**
   * Moves `entity` to lobby `lobbyId`. A player's avatar is moved by its gate (its session with
   * it); this resolves once the gate took the move. Any other entity is moved here, after the work
   * queued on it: this resolves once it answers on `lobbyId`. Do not await it inside a method of the
   * entity itself (the move waits for that method to finish).
   * @throws (rejects) MigrationError MIGRATION_ERR_NOT_HERE, MIGRATION_ERR_IN_SPACE; what the target
   *   answered (an RpcError, a RemoteError with its code): the entity was loaded back here.
   */
  async migrate(entity: Entity, lobbyId: string): Promise<void> {
    const { rpc, world } = this.options;
    if (!entity.alive || world.find(entity.id) !== entity) throw new MigrationError('MIGRATION_ERR_NOT_HERE', `a ${entity.constructor.name} that is ${entity.alive ? 'on another lobby' : 'destroyed'}`);
    if (entity instanceof PlayerEntity && entity.session) {
      const { gateId, sessionId } = entity.session;
      await rpc.call(gateId, GATE_SERVICE, 'move', [sessionId, lobbyId, '']);
      return;
    }
    if (entity instanceof PlayerEntity) throw new MigrationError('MIGRATION_ERR_NOT_HERE', `avatar ${entity.id} has no session on this lobby`);
    if (world.home.find(entity.id) !== entity) throw new MigrationError('MIGRATION_ERR_IN_SPACE', `${entity.typeName} ${entity.id}`);
    if (lobbyId === rpc.serverId) return;
    await this.handOver(entity, lobbyId);
  }

  /**
   * Runs the move of `entity` to `lobbyId` as one task in its queue (see the file's header).
   * @throws (rejects) what the unload or the target threw; the entity is then loaded back here
   *   (when the unload failed, it never left).
   */
  handOver(entity: Entity, lobbyId: string, steps: HandOverSteps = {}): Promise<void> {
    const { records } = this.options;
    // Read while it is live: a destroyed entity has neither.
    const who = { id: entity.id, typeName: entity.typeName };
    const { id } = who;
    // Calls that find it gone from the world wait in its queue too.
    records.startLeaving(id, entity.queue);
    return entity.queue.after(async () => {
      // Where calls go once the move is over: here unless it left (or could not be loaded back).
      const where = { to: this.options.rpc.serverId };
      try {
        await this.moveNow(entity, who, lobbyId, steps, where);
      } finally {
        records.settled(id, where.to);
      }
    });
  }

  /**
   * The `migration.accept` RPC method: takes in entity `id` of `type` that lobby S saved and let
   * go of, loading it (or binding `session` and its avatar, into `session.space`), then claims
   * its `names`. A name another entity took meanwhile is logged and left.
   * @throws MigrationError MIGRATION_ERR_BAD_ARGS, MIGRATION_ERR_NOT_STORED; what loading or the
   *   bind throws (OwnershipHeldError, SpaceError, LobbyError).
   */
  async accept(type: string, id: string, names: string[], session: SessionInfo | null): Promise<void> {
    checkAccept(type, id, names, session);
    const { host, records, rpc, logger } = this.options;
    if (session) await this.options.bindArriving(session);
    else if (!(await host.load(type, id))) throw new MigrationError('MIGRATION_ERR_NOT_STORED', `${type} ${id}`);
    records.settled(id, rpc.serverId);
    for (const name of names) {
      const claimed = await this.options.names.claim(name, { serverId: rpc.serverId, entityId: id }).catch((err: unknown) => {
        logger.error('lobby: claiming the name of an entity that moved here failed', { err, name, entityId: id });
        return true;
      });
      if (!claimed) logger.warn('lobby: the name of an entity that moved here is held by another', { name, entityId: id });
    }
    logger.info('lobby: entity moved here', { type, entityId: id, names: names.length, player: session !== null });
  }

  private async moveNow(entity: Entity, who: Who, lobbyId: string, steps: HandOverSteps, where: { to: string }): Promise<void> {
    const { host, names, rpc, logger, acceptTimeoutMs } = this.options;
    const { id, typeName } = who;
    if (!entity.alive) throw new MigrationError('MIGRATION_ERR_NOT_HERE', `${typeName} ${id} left before its move's turn`);
    const held = names.namesOf(id);
    await steps.before?.();
    // Saved and out of the world, its claim given back: the target may load it now.
    await (steps.unload ? steps.unload() : host.unload(entity));
    // Given back before the target claims them; `named` callers miss them meanwhile.
    for (const name of held) await names.release(name).catch((err: unknown) => logger.warn('lobby: releasing the name of an entity that moves failed', { err, name, entityId: id }));
    try {
      await rpc.call(lobbyId, MIGRATION_SERVICE, 'accept', [typeName, id, held, steps.session ?? null], { timeoutMs: steps.acceptTimeoutMs ?? acceptTimeoutMs });
    } catch (err) {
      // A player whose target may have bound it after all (no answer in time, the link lost) is
      // not taken back: the gate binds it on the target, which answers the same session if it did.
      if (steps.session && err instanceof RpcError && (err.code === 'RPC_ERR_DEADLINE_EXCEEDED' || err.code === 'RPC_ERR_LINK_LOST')) {
        logger.warn('lobby: no answer from the target of a player\'s move; the gate binds the player there', { err, entityId: id, lobby: lobbyId });
        where.to = lobbyId;
        throw err;
      }
      logger.warn('lobby: move refused or failed; taking the entity back', { err, type: typeName, entityId: id, lobby: lobbyId });
      if (!(await this.takeBack(who, held, steps))) where.to = lobbyId;
      throw err;
    }
    where.to = lobbyId;
    logger.info('lobby: entity moved', { type: typeName, entityId: id, lobby: lobbyId });
  }

  // After a failed move: the entity loads here again with its names. When the target holds its
  // claim after all (its answer was lost), the entity is there: loading fails and is logged, and
  // false says so.
  private async takeBack(who: Who, held: readonly string[], steps: HandOverSteps): Promise<boolean> {
    const { host, names, rpc, logger } = this.options;
    const { id, typeName } = who;
    try {
      if (steps.reload) await steps.reload();
      else await host.load(typeName, id);
    } catch (err) {
      logger.error('lobby: loading back an entity whose move failed failed', { err, type: typeName, entityId: id });
      return false;
    }
    for (const name of held) {
      await names.claim(name, { serverId: rpc.serverId, entityId: id }).catch((err: unknown) => logger.error('lobby: claiming back a name failed', { err, name, entityId: id }));
    }
    return true;
  }
}

function checkAccept(type: unknown, id: unknown, names: unknown, session: unknown): void {
  const bad = (what: string): never => {
    throw new MigrationError('MIGRATION_ERR_BAD_ARGS', `accept: ${what}`);
  };
  if (typeof type !== 'string' || type.length === 0 || type.length > 128) bad('type is not a string of 1 to 128 characters');
  if (typeof id !== 'string' || id.length === 0 || id.length > 512) bad('id is not a string of 1 to 512 characters');
  if (!Array.isArray(names) || names.length > MAX_NAMES || !names.every((n) => typeof n === 'string')) bad(`names is not an array of at most ${MAX_NAMES} strings`);
  if (session !== null && (typeof session !== 'object' || Array.isArray(session))) bad('session is neither null nor an object');
}
