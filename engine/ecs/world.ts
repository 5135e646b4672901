/**
 * A game world: a bitecs 0.4 world, the entities in it, and the systems that run on it in their
 * declared order, once per step. Systems are plain functions over typed-array data; they do no
 * I/O and never await. A `TickLoop` calls {@link World.step} at the world's rate.
 */
import { addEntity, createWorld, removeEntity, type World as BitWorld } from 'bitecs';
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { TimerService } from '../timer/timer-service.js';
import { createEntityIds } from './entity-ids.js';
import type { EntityHost } from './entity-host.js';
import { DEFAULT_ENTITY_QUEUE_LIMIT, type TaskContext } from './entity-queue.js';
import { DEFAULT_MAX_TIMERS_PER_ENTITY, type StoredTimer } from './entity-timers.js';
import type { EntityRegistry } from './entity-registry.js';
import type { DirtyOptions } from './component.js';
import type { ComponentData, Entity, EntityClass } from './entity.js';
import { EntityRunIndex, type EntityRuns } from './entity-runs.js';
import { HotStores, type HotSpec, type HotStore } from './hot-fields.js';
import type { WorldSpace } from './world-space.js';

/** A system: one pass of game logic over the world's data. `dt` is in seconds. */
export type System = (world: World, dt: number) => void;

/** What a world counts, for load reports. */
export interface WorldStats {
  /** Steps run. */
  steps: number;
  /** Simulation time run, in seconds. */
  elapsed: number;
  /** Systems that threw, by name (logged; the other systems still ran). */
  systemErrors: Record<string, number>;
}

/** Options for {@link World.spawn}. */
export interface SpawnOptions {
  /** The entity's global id; by default a new ULID. */
  id?: string;
  /**
   * Stored state: the entity is loaded (`onLoad`) rather than created (`onCreate`), and its saved
   * timers are started again.
   */
  loaded?: { version: number; components: ComponentData; timers?: readonly StoredTimer[] };
}

/** What a {@link World} needs. */
export interface WorldOptions {
  logger: Logger;
  /** Source of the time in entity ids. */
  clock: Clock;
  /** The entity classes this world can spawn. */
  registry: EntityRegistry;
  /** Cap on the work from outside (server calls) waiting or running in one entity's queue (default 64). */
  queueLimit?: number;
  /** Cap on the live timers of one entity (default 1,024). */
  maxTimersPerEntity?: number;
  /** The async context a task that waits in an entity's queue keeps (the lobby's trace context). */
  taskContext?: TaskContext;
  /**
   * The timer service the entities' timers run on, shared by the worlds of one lobby so that an
   * entity's timers keep running when it moves between them ({@link World.transfer}); its owner
   * stops it. Default: one of the world's own, on `clock`.
   */
  timers?: TimerService;
  /** The space this world belongs to, which its entities reach as `entity.space`. */
  space?: WorldSpace;
}

/** A bitecs world with its entities and an ordered system pipeline. */
export class World {
  /** The bitecs world, for `addComponent`, `query`, … on typed-array components. */
  readonly ecs: BitWorld;
  private readonly systems: { name: string; run: System }[] = [];
  private readonly errors: Record<string, number> = {};
  private readonly entities = new Map<string, Entity>();
  private readonly byEid = new Map<number, Entity>();
  private readonly hotStores = new HotStores();
  private readonly runIndex: EntityRunIndex;
  private dirty = new Set<Entity>();
  private criticalListener: ((entity: Entity) => void) | undefined;
  private readonly nextId: () => string;
  private entityHost: EntityHost | undefined;
  /** Where lines about the world and its entities go (entities log through children of it). */
  readonly logger: Logger;
  /** The world's clock, which entity timers run on. */
  readonly clock: Clock;
  /** The entities' timers, on the world's clock. */
  readonly timers: TimerService;
  /** Cap on server calls waiting or running in one entity's queue. */
  readonly queueLimit: number;
  /** See {@link WorldOptions.taskContext}. */
  readonly taskContext: TaskContext | undefined;
  /** Cap on one entity's live timers. */
  readonly maxTimersPerEntity: number;
  /** The space this world belongs to, if any. */
  readonly space: WorldSpace | undefined;
  private steps = 0;
  private elapsed = 0;

  constructor(private readonly options: WorldOptions) {
    this.ecs = createWorld();
    this.runIndex = new EntityRunIndex(this.ecs);
    this.logger = options.logger;
    this.clock = options.clock;
    this.nextId = createEntityIds(options.clock);
    this.timers = options.timers ?? new TimerService({ clock: options.clock, logger: options.logger });
    this.space = options.space;
    this.queueLimit = options.queueLimit ?? DEFAULT_ENTITY_QUEUE_LIMIT;
    this.taskContext = options.taskContext;
    this.maxTimersPerEntity = options.maxTimersPerEntity ?? DEFAULT_MAX_TIMERS_PER_ENTITY;
  }

  /** What the entities reach beyond the world (RPC, the store), once set; see entity-host.ts. */
  get host(): EntityHost | undefined {
    return this.entityHost;
  }

  /**
   * Gives the world its host (the lobby does, once its RPC node and persistence exist).
   * @throws Error when one is set already.
   */
  setHost(host: EntityHost): void {
    if (this.entityHost) throw new Error('World.setHost: a host is set already');
    this.entityHost = host;
  }

  /**
   * The typed arrays of a component class's hot fields in this world, indexed by bitecs entity
   * id. Fetch them each step: they are replaced when the world grows.
   */
  hot<S extends HotSpec>(cls: { hot: S }): HotStore<S> {
    return this.hotStores.get(cls, cls.hot);
  }

  /**
   * The entities that have every one of `components`, as runs of consecutive bitecs ids in id
   * order: the dense way for a system to walk hot fields, with the id as the loop counter
   * (`for (let eid = runs.starts[r]; eid < runs.ends[r]; eid++)`), see docs/ecs.md. Kept between
   * steps and rebuilt only when an entity enters or leaves; read it in the step that fetched it.
   * @throws Error when `components` is empty.
   */
  runs(components: readonly object[]): EntityRuns {
    return this.runIndex.runs(components);
  }

  /** How many entities are alive. */
  get entityCount(): number {
    return this.entities.size;
  }

  /**
   * Creates an entity of a registered class (by class or type name) with its components, in
   * dependency order, then calls `onCreate` (or `onLoad` for stored state). If a hook throws, the
   * entity is taken out again and the world is as it was.
   * @throws Error for an unregistered type, an id in use, or what a hook threw.
   */
  spawn<E extends Entity>(type: EntityClass<E> | string, options: SpawnOptions = {}): E {
    const { cls, order, name } = this.options.registry.lookup(type);
    const entityId = options.id ?? this.nextId();
    if (this.entities.has(entityId)) throw new Error(`World.spawn: entity id ${entityId} is in use`);
    const entity = new cls() as E;
    const eid = addEntity(this.ecs);
    this.hotStores.ensure(eid);
    try {
      entity.place({ world: this, eid, id: entityId, typeName: name }, order, options.loaded?.components);
      this.entities.set(entityId, entity);
      this.byEid.set(eid, entity);
      if (options.loaded) {
        entity.version = options.loaded.version;
        if (options.loaded.timers?.length) entity.timers.restore(options.loaded.timers);
        entity.onLoad();
      } else {
        entity.onCreate();
        // A new entity with state to keep is saved with the next flush.
        if (order.some((c) => c.persist.length > 0)) this.dirty.add(entity);
      }
    } catch (err) {
      this.entities.delete(entityId);
      this.byEid.delete(eid);
      this.dirty.delete(entity);
      entity.unplace((detachErr) => this.logger.error('onDetach failed', { err: detachErr, entityId }));
      removeEntity(this.ecs, eid);
      throw err;
    }
    return entity;
  }

  /**
   * The name `type` is registered under.
   * @throws Error for an unregistered type.
   */
  typeNameOf(type: EntityClass | string): string {
    return this.options.registry.lookup(type).name;
  }

  /** The live entity with global id `id`, if any. */
  find(id: string): Entity | undefined {
    return this.entities.get(id);
  }

  /**
   * The live entities, of one type when `type` is given (a class or a registered name), in no
   * particular order: a snapshot, so the world may change while the caller walks it.
   * @throws Error for an unregistered type.
   */
  list<E extends Entity = Entity>(type?: EntityClass<E> | string): E[] {
    const all = [...this.entities.values()];
    if (type === undefined) return all as E[];
    const name = this.typeNameOf(type);
    return all.filter((entity) => entity.typeName === name) as E[];
  }

  /**
   * The live entity behind bitecs id `eid`, for a system that found something an entity's own
   * code must handle (a death, a pickup): it can hand it over, e.g. through a timer or the
   * entity's queue, since systems themselves never await. Read it in the same step: bitecs
   * reuses ids.
   */
  entityOf(eid: number): Entity | undefined {
    return this.byEid.get(eid);
  }

  /**
   * Calls `onDestroy`, cancels the entity's timers, detaches the components last first, and
   * removes the entity. A hook that throws is logged and the entity is removed all the same.
   * Destroying twice is a no-op.
   */
  destroy(entity: Entity): void {
    if (!entity.alive || this.entities.get(entity.id) !== entity) return;
    const { id, typeName } = entity;
    try {
      entity.onDestroy();
    } catch (err) {
      this.logger.error('onDestroy failed', { err, entityId: id, type: typeName });
    }
    const eid = entity.eid;
    entity.unplace((err, part) => this.logger.error('onDetach failed', { err, entityId: id, component: part.constructor.name }));
    this.entities.delete(id);
    this.byEid.delete(eid);
    this.dirty.delete(entity);
    removeEntity(this.ecs, eid);
  }

  /**
   * Moves a live entity of this world into `target` (another world of the same lobby: a player
   * entering a space). It stays the same `Entity` object with the same id, the same component
   * instances and the same queue and timers; it gets a new bitecs id in `target`, where every
   * one of its component classes is added and its hot values are copied; unsaved changes stay
   * unsaved (it is dirty in `target` when it was dirty here). No hook runs.
   * @throws Error when the entity is not in this world, `target` is this world or holds an
   *   entity with the same id, or the entity has live timers and `target` runs timers on another
   *   timer service (give the worlds one, see {@link WorldOptions.timers}).
   */
  transfer(entity: Entity, target: World): void {
    if (!entity.alive || this.entities.get(entity.id) !== entity) throw new Error('World.transfer: the entity is not in this world');
    const { id } = entity;
    if (target === this) throw new Error(`World.transfer: ${id} is in the target world already`);
    if (target.entities.has(id)) throw new Error(`World.transfer: entity id ${id} is in use in the target world`);
    if (entity.timerCount > 0 && target.timers !== this.timers) {
      throw new Error(`World.transfer: ${id} has live timers and the target world runs another timer service`);
    }
    const from = entity.eid;
    const eid = addEntity(target.ecs);
    target.hotStores.ensure(eid);
    entity.relocate(target, eid);
    this.entities.delete(id);
    this.byEid.delete(from);
    removeEntity(this.ecs, from);
    target.entities.set(id, entity);
    target.byEid.set(eid, entity);
    if (this.dirty.delete(entity)) target.dirty.add(entity);
  }

  /** Records that `entity` has changes to save; a critical change also goes to the critical listener at once. */
  markDirty(entity: Entity, options?: DirtyOptions): void {
    if (!entity.alive) return;
    this.dirty.add(entity);
    if (options?.critical) this.criticalListener?.(entity);
  }

  /** The dirty entities, which are no longer dirty afterwards (a failed save marks them again). */
  takeDirty(): Entity[] {
    const taken = [...this.dirty];
    this.dirty = new Set();
    return taken;
  }

  /** Takes one entity out of the dirty set (it is being saved on its own). */
  takeDirtyOne(entity: Entity): void {
    this.dirty.delete(entity);
  }

  /** Whether `entity` has unsaved changes. */
  isDirty(entity: Entity): boolean {
    return this.dirty.has(entity);
  }

  /**
   * Entities with unsaved changes (for which `where` holds, when given): each counts once,
   * however often it changed, so the count is bounded by the world's entities.
   */
  countDirty(where?: (entity: Entity) => boolean): number {
    if (!where) return this.dirty.size;
    let count = 0;
    for (const entity of this.dirty) if (where(entity)) count++;
    return count;
  }

  /**
   * Sets who hears about critical changes (the persistence binding, which saves them at once).
   * @throws Error when one is set already.
   */
  onCritical(listener: (entity: Entity) => void): void {
    if (this.criticalListener) throw new Error('World.onCritical: a listener is set already');
    this.criticalListener = listener;
  }

  /**
   * Appends a system to the pipeline; systems run in the order they are added.
   * @throws Error when a system of that name is already there.
   */
  addSystem(name: string, system: System): this {
    if (this.systems.some((s) => s.name === name)) throw new Error(`World.addSystem: a system named ${name} already exists`);
    this.systems.push({ name, run: system });
    return this;
  }

  /**
   * Replaces the pipeline with `systems`, in their order (a reload of the game's code, between two
   * steps). The counters of failures stay by name.
   * @throws Error when two systems share a name; the pipeline is then left as it was.
   */
  replaceSystems(systems: readonly { name: string; run: System }[]): this {
    const names = new Set(systems.map((s) => s.name));
    if (names.size !== systems.length) throw new Error('World.replaceSystems: two systems share a name');
    this.systems.splice(0, this.systems.length, ...systems.map(({ name, run }) => ({ name, run })));
    return this;
  }

  /** The systems' names, in run order. */
  get systemNames(): string[] {
    return this.systems.map((s) => s.name);
  }

  /**
   * Runs every system once, in order. A system that throws is logged and counted, and the
   * systems after it still run: one bug must not freeze the world.
   */
  step(dt: number): void {
    for (const { name, run } of this.systems) {
      try {
        run(this, dt);
      } catch (err) {
        this.errors[name] = (this.errors[name] ?? 0) + 1;
        this.logger.error('system failed', { err, system: name, step: this.steps });
      }
    }
    this.steps++;
    this.elapsed += dt;
  }

  /** A copy of the counters. */
  stats(): WorldStats {
    return { steps: this.steps, elapsed: this.elapsed, systemErrors: { ...this.errors } };
  }
}
