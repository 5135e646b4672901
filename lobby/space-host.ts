/**
 * The spaces of one lobby: creating them (with their worlds joined to the lobby's world group, so
 * that one persistence, one session host and one RPC lookup serve them), moving players in and
 * out, and disposing them. This file is the lobby-local part; what crosses lobbies (discovery
 * names of spaces, creating a space on another lobby, moving a player there through its gate)
 * plugs in through {@link SpaceNames} and the `space` a bind carries ({@link SpaceHost.placeOnBind}).
 *
 * Moving a player (same lobby, {@link SpaceHost.enterLocal}) is one task on the avatar's queue
 * (space-moves.ts), so its requests before it finish first and those after run in the new space.
 */
import type { EntityHost } from '../engine/ecs/entity-host.js';
import type { TaskContext } from '../engine/ecs/entity-queue.js';
import type { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { createEntityIds } from '../engine/ecs/entity-ids.js';
import type { Entity } from '../engine/ecs/entity.js';
import type { EntityRegistry } from '../engine/ecs/entity-registry.js';
import type { TickObserver } from '../engine/ecs/tick-loop.js';
import { World } from '../engine/ecs/world.js';
import type { WorldGroup } from '../engine/ecs/world-group.js';
import type { Logger } from '../engine/log/types.js';
import type { Store } from '../engine/persist/store.js';
import type { Clock } from '../engine/timer/clock.js';
import type { TimerService } from '../engine/timer/timer-service.js';
import type { GameDefinition } from './define-game.js';
import type { SpaceDefinition } from './define-space.js';
import { KeptSpaces } from './kept-spaces.js';
import { PlayerEntity } from './player-entity.js';
import { Space, type SpaceRef } from './space.js';
import { SpaceError } from './space-errors.js';
import { SpaceInterest } from './space-interest.js';
import { runHook, SpaceMoves } from './space-moves.js';
import type { SpaceSyncFactory } from './space-sync-stage.js';
import { isStartInstance, reserveStartInstance, type StartInstanceSpaces } from './start-instances.js';
import { ratedSystems } from './system-rate.js';

/**
 * Cluster-wide names of spaces (discovery's `space:<id>`): a space's id is claimed before it is
 * created and released once it is disposed. Without one, ids are unique on this lobby only.
 */
export interface SpaceNames {
  /** @returns false when another live space holds the id. */
  claim(ref: SpaceRef): Promise<boolean>;
  release(ref: SpaceRef): Promise<void>;
}

/** Options for {@link SpaceHost.create}. */
export interface CreateSpaceOptions {
  /** The space's cluster-wide id (1 to 128 printable characters); by default `<type>-<ULID>`. */
  id?: string;
  /** Handed to the type's `onCreate` and kept as `space.data` (the teams of a match). */
  data?: unknown;
}

/** What a {@link SpaceHost} needs. */
export interface SpaceHostOptions {
  /** The game: its `spaces` and `startSpace`. */
  game: Pick<GameDefinition, 'spaces' | 'startSpace'>;
  /** The lobby's worlds: each space's world joins it while the space lives. */
  worlds: WorldGroup;
  registry: EntityRegistry;
  /** The lobby's one persistence: loads and saves the entities of `persist: true` spaces. */
  persistence: EntityPersistence;
  /** Where space records go (space-records.ts). */
  store: Store;
  /** The lobby's entity host, given to every space's world. */
  entityHost: EntityHost;
  /** The game's clock: ticks, grace periods, `space.now()`. */
  clock: Clock;
  /** The lobby's shared timer service (on `clock`): entities keep their timers across spaces. */
  timers: TimerService;
  logger: Logger;
  /** This lobby's server id, read at each use. */
  lobbyId: () => string;
  /** Steps per second of a space whose type sets no `tickHz` (the lobby's `tickHz`). */
  tickHz: number;
  /** Calls waiting or running on one entity (as the lobby world's). */
  queueLimit?: number;
  /** The async context a task that waits in an entity's queue keeps (WorldOptions.taskContext). */
  taskContext?: TaskContext;
  /** Live timers of one entity (as the lobby world's). */
  maxTimersPerEntity?: number;
  /** Makes each space's sync stage; without it, a space sends nothing to its players. */
  createSync?: SpaceSyncFactory;
  /** Cluster-wide space names; without it, ids are unique on this lobby only. */
  names?: SpaceNames;
  /**
   * Spaces this lobby hosts at most (`lobby.maxSpaces`, an integer >= 1; default
   * {@link DEFAULT_MAX_SPACES}): live ones, those being created and those being disposed. Past it
   * `create` answers SPACE_ERR_TOO_MANY; the first instance of the game's start space is always
   * made, further ones only within it.
   */
  maxSpaces?: number;
  /** The observer of the steps of the spaces of type `type` (metrics). */
  ticks?: (type: string) => TickObserver;
}

/** Spaces one lobby hosts at most unless told otherwise (`lobby.maxSpaces`). */
export const DEFAULT_MAX_SPACES = 1_000;

// Space ids go in discovery keys, store ids and log lines: printable, bounded.
const SPACE_ID = /^[^\u0000-\u001f\u007f]{1,128}$/;

/** The spaces hosted by one lobby. */
export class SpaceHost {
  private readonly spaces = new Map<string, Space>();
  /** Creations in flight by id, so that a second one waits (the start space) or is refused. */
  private readonly creating = new Map<string, Promise<Space>>();
  private readonly disposing = new Map<Space, Promise<void>>();
  /** Disposals in flight by id: a space created again under the id waits for its name to be released. */
  private readonly disposingIds = new Map<string, Promise<void>>();
  private readonly kept: KeptSpaces;
  private readonly nextId: () => string;
  private readonly maxSpaces: number;
  private readonly moves = new SpaceMoves((entity) => this.spaceOf(entity));
  /** The start space's instances, as start-instances.ts sees this host. */
  private readonly instances: StartInstanceSpaces = {
    get: (id) => this.spaces.get(id),
    creating: (id) => this.creating.get(id),
    open: (type, id, capped) => this.open(type, { id }, capped),
  };

  /** The game's space types and start space; a reload of its code replaces them. */
  private game: SpaceHostOptions['game'];

  /** @throws RangeError when `maxSpaces` is not an integer >= 1. */
  constructor(private readonly options: SpaceHostOptions) {
    this.game = options.game;
    this.maxSpaces = options.maxSpaces ?? DEFAULT_MAX_SPACES;
    if (!Number.isInteger(this.maxSpaces) || this.maxSpaces < 1) throw new RangeError(`SpaceHost: maxSpaces must be an integer >= 1, got ${options.maxSpaces}`);
    this.nextId = createEntityIds(options.clock);
    this.kept = new KeptSpaces(options);
  }

  /** The live space `id` on this lobby. */
  get(id: string): Space | undefined {
    return this.spaces.get(id);
  }

  /** This lobby's live spaces. */
  list(): Space[] {
    return [...this.spaces.values()];
  }

  /** Spaces held against `maxSpaces`: live, being created and being disposed. */
  get hosted(): number {
    return this.spaces.size + this.creating.size + this.disposing.size;
  }

  /** The space `entity` is in, if it is in one of this lobby's. */
  spaceOf(entity: Entity): Space | undefined {
    const space = entity.space;
    return space instanceof Space && this.spaces.get(space.id) === space ? space : undefined;
  }

  /**
   * Creates a space of `type` here: its world joins the lobby's, a `persist: true` space of an id
   * kept before gets its entities back, then its type's `onCreate` runs (logged when it throws)
   * and it starts ticking. With no player it is disposed after its `emptyGraceMs`.
   * @throws (rejects) SpaceError SPACE_ERR_UNKNOWN_TYPE, SPACE_ERR_BAD_ID, SPACE_ERR_ID_TAKEN
   *   (here, being created here, or claimed elsewhere), SPACE_ERR_TOO_MANY (this lobby holds
   *   `maxSpaces` spaces: live, being created or being disposed); StoreError when the record of a
   *   kept space cannot be read.
   */
  create(type: string, options: CreateSpaceOptions = {}): Promise<Space> {
    return this.open(type, options, true);
  }

  /**
   * Owes `avatar`'s client a fresh snapshot of its space (its connection was resumed); a no-op
   * outside a space.
   */
  resync(avatar: PlayerEntity): void {
    this.spaceOf(avatar)?.resync(avatar);
  }

  /**
   * Moves `avatar` into space `spaceId` of this lobby, as one task on its queue (its requests
   * queued before finish first). Calling it from the avatar's own request handler is fine as long
   * as the handler does not await it (that would wait for itself).
   * @throws (rejects) SpaceError SPACE_ERR_NOT_FOUND when no such space is here when the task
   *   runs, SPACE_ERR_FULL when it has `maxPlayers` already; the avatar stays where it was.
   */
  enterLocal(avatar: PlayerEntity, spaceId: string): Promise<void> {
    return avatar.queue.after(async () => {
      const target = this.spaces.get(spaceId);
      if (!target) throw new SpaceError('SPACE_ERR_NOT_FOUND', spaceId);
      await this.moves.move(avatar, target);
    });
  }

  /**
   * Places an avatar that a session just bound: into space `spaceId` when the bind names one that
   * is here; else, when it is in a space already (a newer login took it over), where it is; else
   * into the game's `startSpace` on this lobby: its first instance with room (start-instances.ts:
   * `<type>@<lobbyId>`, then `:2`, `:3` … created on first use when the type has `maxPlayers`);
   * else it stays in the lobby world. The client is told its space (`sys.space`). A space that is
   * gone or full is logged, and the avatar goes to the start space or stays in the lobby world
   * (every instance full and no more can be made): a login never fails for it.
   */
  async placeOnBind(avatar: PlayerEntity, spaceId: string | undefined): Promise<void> {
    const current = this.spaceOf(avatar);
    if (spaceId !== undefined && current?.id !== spaceId) {
      const target = this.spaces.get(spaceId);
      if (target && (await this.tryPlace(avatar, target))) return;
      this.options.logger.warn('space: the space a bind named is not here or is full', { spaceId, entityId: avatar.id });
    } else if (current) {
      this.moves.tell(avatar, current);
      return;
    }
    const start = this.game.startSpace;
    if (start === undefined) return;
    const placed = await avatar.queue.after(() => this.toStart(avatar, start));
    if (!placed) this.options.logger.warn('space: every start space is full and no more can be made; the player stays in the lobby world', { spaceType: start, entityId: avatar.id });
    // Already in a start space (a takeover whose named space is gone): it stays, and is told so.
    else if (placed === current) this.moves.tell(avatar, placed);
  }

  /**
   * Moves `avatar` into the game's start space on this lobby by the rule of a bind (its first
   * instance with room, created when none has), as one task on its queue; a no-op when it is in
   * an instance of it already. Safe to call without awaiting from the avatar's own request
   * handler, as {@link enterLocal}.
   * @returns the instance it is in.
   * @throws (rejects) Error when the game declares no `startSpace`; SpaceError SPACE_ERR_TOO_MANY
   *   when every instance is full and this lobby may host no more spaces (the avatar stays where
   *   it was), or what creating an instance throws.
   */
  enterStart(avatar: PlayerEntity): Promise<Space> {
    const start = this.game.startSpace;
    if (start === undefined) return Promise.reject(new Error('enterStart: the game declares no startSpace'));
    return avatar.queue.after(async () => {
      const space = await this.toStart(avatar, start);
      if (!space) throw new SpaceError('SPACE_ERR_TOO_MANY', `every ${start} space of this lobby is full, and ${this.hosted} of ${this.maxSpaces} spaces are hosted`);
      return space;
    });
  }

  /**
   * Checks that space `spaceId` is here and has room for a player a bind brings from another
   * lobby (SessionInfo.space), before the avatar is loaded.
   * @throws SpaceError SPACE_ERR_NOT_FOUND, SPACE_ERR_FULL.
   */
  checkArrival(spaceId: string): void {
    const space = this.spaces.get(spaceId);
    if (!space || space.isDisposed) throw new SpaceError('SPACE_ERR_NOT_FOUND', spaceId);
    const max = space.definition.maxPlayers;
    if (max !== undefined && space.playerCount >= max) throw new SpaceError('SPACE_ERR_FULL', `${space.id} takes ${max} players`);
  }

  /**
   * Takes an avatar whose session is closing out of its space (`onPlayerLeave`, logged when it
   * throws) back to the lobby world, before it is saved. Call it from the avatar's queue (the
   * close holds it). A no-op for an avatar in no space.
   */
  leaveOnClose(avatar: PlayerEntity): Promise<void> {
    return this.moves.leave(avatar, this.options.worlds.home);
  }

  /**
   * Forgets a player whose entity is gone without leaving (its ownership was lost): no hook runs.
   */
  lost(entity: Entity): void {
    if (!(entity instanceof PlayerEntity)) return;
    for (const space of this.spaces.values()) space.release(entity);
  }

  /**
   * Disposes `space`: it stops, its entities are destroyed (in a `persist: true` space, those with
   * persistent fields are saved and unloaded first, and its record written), its world leaves the
   * lobby's, and its name is released. Disposing twice waits for the first.
   * @throws (rejects) Error while players are in it.
   */
  dispose(space: Space): Promise<void> {
    const running = this.disposing.get(space);
    if (running) return running;
    if (this.spaces.get(space.id) !== space) return Promise.resolve();
    if (space.occupancy > 0) return Promise.reject(new Error(`space ${space.id}: ${space.occupancy} players are in it or on their way in; move them out first`));
    const disposing = this.teardown(space).finally(() => {
      this.disposing.delete(space);
      if (this.disposingIds.get(space.id) === disposing) this.disposingIds.delete(space.id);
    });
    this.disposing.set(space, disposing);
    this.disposingIds.set(space.id, disposing);
    return disposing;
  }

  /**
   * Stops every space's tick loop and writes the records of `persist: true` spaces (their entities
   * are saved by the lobby's final flush), for a lobby that drains.
   */
  async drain(): Promise<void> {
    for (const space of this.spaces.values()) space.stop();
    await Promise.all(this.list().filter((s) => s.definition.persist).map((s) => this.kept.list(s)));
  }

  /**
   * Takes the space types of a new generation of the game's code, between two steps: spaces made
   * from now on follow them, and every live space takes its type's new hooks and systems. The
   * caller has checked that every live space's type is still declared.
   */
  redefine(game: SpaceHostOptions['game']): void {
    this.game = game;
    for (const space of this.spaces.values()) {
      const definition = game.spaces?.[space.type];
      if (definition) space.redefine(definition, ratedSystems(definition.systems, definition.tickHz ?? this.options.tickHz));
    }
  }

  /** Stops every space's tick loop (the lobby stops). */
  stop(): void {
    for (const space of this.spaces.values()) space.stop();
  }

  // `capped` false: the first instance of the game's start space, which binds need, is made whatever the count.
  private open(type: string, options: CreateSpaceOptions, capped: boolean): Promise<Space> {
    let definition: SpaceDefinition;
    let id: string;
    try {
      definition = this.definitionOf(type);
      id = options.id ?? `${type}-${this.nextId()}`;
      if (typeof id !== 'string' || !SPACE_ID.test(id)) throw new SpaceError('SPACE_ERR_BAD_ID', JSON.stringify(String(id).slice(0, 140)));
      if (this.spaces.has(id) || this.creating.has(id)) throw new SpaceError('SPACE_ERR_ID_TAKEN', `${id} on this lobby`);
      if (capped && this.hosted >= this.maxSpaces) throw new SpaceError('SPACE_ERR_TOO_MANY', `${this.hosted} of ${this.maxSpaces}; ${type} refused`);
    } catch (err) {
      return Promise.reject(err);
    }
    const creation = this.build(type, id, definition, options.data).finally(() => this.creating.delete(id));
    this.creating.set(id, creation);
    return creation;
  }

  private definitionOf(type: string): SpaceDefinition {
    const spaces = this.game.spaces ?? {};
    if (typeof type !== 'string' || !Object.hasOwn(spaces, type)) throw new SpaceError('SPACE_ERR_UNKNOWN_TYPE', JSON.stringify(String(type).slice(0, 80)));
    return spaces[type]!;
  }

  // In the avatar's queue: into the first start instance with room; undefined when none can be had.
  private async toStart(avatar: PlayerEntity, type: string): Promise<Space | undefined> {
    const lobbyId = this.options.lobbyId();
    const current = this.spaceOf(avatar);
    if (current?.type === type && isStartInstance(current.id, type, lobbyId)) return current;
    if (!avatar.alive) throw new Error(`space: the avatar ${avatar.id} is gone`);
    const target = await reserveStartInstance(this.instances, type, lobbyId, this.maxSpaces + 1);
    if (target) await this.moves.moveReserved(avatar, target);
    return target;
  }

  private async build(type: string, id: string, definition: SpaceDefinition, data: unknown): Promise<Space> {
    const { names, logger } = this.options;
    // The last life of this id ends first: its entities saved, its name released.
    await this.disposingIds.get(id)?.catch(() => undefined);
    const ref = { id, type, lobbyId: this.options.lobbyId() };
    if (names && !(await names.claim(ref))) throw new SpaceError('SPACE_ERR_ID_TAKEN', `${id} is held by another lobby`);
    let space: Space;
    try {
      const record = definition.persist ? await this.kept.read(id, type, logger) : undefined;
      space = this.makeSpace(type, id, definition, data, record?.type === type);
      this.options.worlds.add(space.world, definition.persist ? {} : { saves: (entity) => entity instanceof PlayerEntity });
      this.spaces.set(id, space);
      if (record) await this.kept.restore(space, record);
    } catch (err) {
      await names?.release(ref).catch((releaseErr: unknown) => logger.error('space: releasing the name failed', { err: releaseErr, spaceId: id }));
      throw err;
    }
    await runHook(space, 'onCreate', () => definition.onCreate?.(space, data));
    space.start(this.options.createSync?.(space));
    space.logger.info('space: created', { restored: space.restored, entities: space.world.entityCount });
    return space;
  }

  private makeSpace(type: string, id: string, definition: SpaceDefinition, data: unknown, restored: boolean): Space {
    const { registry, clock, timers, entityHost, queueLimit, maxTimersPerEntity, taskContext } = this.options;
    const tickHz = definition.tickHz ?? this.options.tickHz;
    const logger = this.options.logger.child({ spaceId: id, spaceType: type });
    return new Space({
      id,
      type,
      definition,
      lobbyId: this.options.lobbyId,
      data,
      restored,
      tickHz,
      ...(this.options.ticks ? { onStep: this.options.ticks(type) } : {}),
      clock,
      logger,
      interest: definition.interest ? new SpaceInterest(definition.interest, logger) : undefined,
      dispose: (space) => this.dispose(space),
      world: (space) => {
        const world = new World({
          logger,
          clock,
          registry,
          timers,
          space,
          ...(queueLimit === undefined ? {} : { queueLimit }),
          ...(maxTimersPerEntity === undefined ? {} : { maxTimersPerEntity }),
          ...(taskContext === undefined ? {} : { taskContext }),
        });
        world.replaceSystems(ratedSystems(definition.systems, tickHz));
        world.setHost(entityHost);
        return world;
      },
    });
  }

  // Moves a just-bound avatar, in its queue; false when the space is full.
  private async tryPlace(avatar: PlayerEntity, target: Space): Promise<boolean> {
    try {
      await avatar.queue.after(() => this.moves.move(avatar, target));
      return true;
    } catch (err) {
      if (err instanceof SpaceError && err.code === 'SPACE_ERR_FULL') return false;
      throw err;
    }
  }

  private async teardown(space: Space): Promise<void> {
    const { logger, names } = this.options;
    space.stop();
    this.spaces.delete(space.id);
    if (space.definition.persist) await this.kept.keep(space);
    for (const entity of space.world.list()) entity.destroy();
    this.options.worlds.remove(space.world);
    await names?.release(space.ref).catch((err: unknown) => logger.error('space: releasing the name failed', { err, spaceId: space.id }));
    space.logger.info('space: disposed');
  }
}
