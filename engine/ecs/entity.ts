/**
 * The base class of a game's entities: player avatars, rooms, NPCs. An entity has a stable,
 * globally unique, sortable string id (a ULID) for addressing and persistence, and object-style
 * components listed by its class. Its numeric bitecs id is the world's business: bitecs reuses
 * numeric ids at once, so nothing outside the world may keep one across ticks.
 *
 * An entity is also the context of its game code (reach it from a component as `this.entity`):
 * its address and logger, proxies to other entities and services, its timers, its queue, and
 * spawning, loading, unloading and destroying. What needs the server (RPC, the store) comes from
 * the world's host (entity-host.ts).
 */
import { addComponent, removeComponent } from 'bitecs';
import type { Mailbox } from '../cluster/discovery.js';
import type { Logger } from '../log/types.js';
import type { RemoteEntity, RemoteService, UntypedEntity, UntypedService } from '../rpc/remote-proxy.js';
import type { CallOptions } from '../rpc/rpc-node.js';
import type { Component, ComponentClass, DirtyOptions } from './component.js';
import type { EntityHost } from './entity-host.js';
import { EntityQueue } from './entity-queue.js';
import { EntityTimers } from './entity-timers.js';
import type { HotStore } from './hot-fields.js';
import type { World } from './world.js';
import type { WorldSpace } from './world-space.js';

/** An entity class: constructible without arguments, with the statics of {@link Entity}. */
export type EntityClass<E extends Entity = Entity> = (new () => E) & Pick<typeof Entity, 'components'>;

interface Placement {
  world: World;
  eid: number;
  id: string;
  typeName: string;
}

/** Options for {@link Entity.spawn}. */
export interface EntitySpawnOptions {
  /** The new entity's global id; by default a new ULID. */
  id?: string;
}

/** Persistent field values by component class name, as saved (see entity-persistence.ts). */
export type ComponentData = Record<string, Record<string, unknown>>;

// Points the instance's hot fields (prototype accessors, see installHotAccessors) at the
// entity's slot, starting from the instance's initial values, 0 when a field is only declared:
// a reused slot starts clean.
function mapHotFields(part: Component, store: HotStore, eid: number): void {
  part.hotStore = store;
  part.hotEid = eid;
  const own = part as unknown as Record<string, unknown>;
  for (const field in store) {
    let initial = 0;
    if (Object.hasOwn(own, field)) {
      // A field initializer made an own property that would hide the accessor.
      initial = Number(own[field]);
      delete own[field];
    }
    store[field]![eid] = initial;
  }
}

// Turns each persistent plain field into an accessor that marks the entity dirty when assigned
// (hot ones have theirs on the prototype already).
function watchFields(part: Component, fields: readonly string[], hot: object, onChange: () => void): void {
  for (const field of fields) {
    if (Object.hasOwn(hot, field)) continue;
    let value = (part as unknown as Record<string, unknown>)[field];
    Object.defineProperty(part, field, {
      enumerable: true,
      get: () => value,
      set: (next: unknown) => {
        value = next;
        onChange();
      },
    });
  }
}

/** Base class of entities. Create them with `World.spawn`, never with `new` alone. */
export abstract class Entity {
  /** The components every entity of this class starts with, created in dependency order. */
  static components: readonly ComponentClass[] = [];

  /** The stored version this entity was loaded or last saved at; 0 when never saved. */
  version = 0;
  private placement: Placement | undefined;
  private readonly parts = new Map<ComponentClass, Component>();
  // Made on first use: most entities of a large world never queue work or start a timer.
  private ownQueue: EntityQueue | undefined;
  private ownTimers: EntityTimers | undefined;
  /** The world the entity was placed in, kept after it leaves for its queue's limit. */
  private home: World | undefined;
  private ownLogger: Logger | undefined;

  /**
   * The entity's global id.
   * @throws Error once the entity is destroyed.
   */
  get id(): string {
    return this.placed().id;
  }

  /** The name the entity class is registered under. */
  get typeName(): string {
    return this.placed().typeName;
  }

  /** False once destroyed: a destroyed entity's methods throw instead of reaching a reused id. */
  get alive(): boolean {
    return this.placement !== undefined;
  }

  /**
   * The attached component of class `cls`.
   * @throws Error when there is none, or when the entity is destroyed.
   */
  get<C extends Component>(cls: ComponentClass<C>): C {
    this.placed();
    const part = this.parts.get(cls);
    if (!part) throw new Error(`${this.typeName} ${this.id} has no ${cls.name}`);
    return part as C;
  }

  /**
   * The attached component whose class is named `name` (the name persistence and RPC use).
   * @returns undefined when none is attached or the entity is destroyed.
   */
  componentNamed(name: string): Component | undefined {
    if (!this.alive) return undefined;
    for (const [cls, part] of this.parts) if (cls.name === name) return part;
    return undefined;
  }

  /** Whether a component of class `cls` is attached. */
  has(cls: ComponentClass): boolean {
    return this.alive && this.parts.has(cls);
  }

  /**
   * Attaches a new component of class `cls` at run time. Components with persistent fields belong
   * in the class's `components` list (loading rebuilds that list), so they cannot be added here.
   * If its `onAttach` throws, the component is taken off again.
   * @throws Error when one is attached already, a component it requires is missing, it declares
   *   persistent fields, or what `onAttach` threw.
   */
  add<C extends Component>(cls: ComponentClass<C>): C {
    const { typeName, id, world, eid } = this.placed();
    if (this.parts.has(cls)) throw new Error(`${typeName} ${id} already has ${cls.name}`);
    if (cls.persist.length > 0) throw new Error(`${typeName} ${id}: ${cls.name} has persistent fields; list it in ${typeName}.components instead`);
    const missing = cls.requires.find((r) => !this.parts.has(r));
    if (missing) throw new Error(`${typeName} ${id}: ${cls.name} requires ${missing.name}, which is not attached`);
    try {
      return this.attach(cls);
    } catch (err) {
      this.parts.get(cls)?.bind(undefined);
      this.parts.delete(cls);
      removeComponent(world.ecs, eid, cls);
      throw err;
    }
  }

  /**
   * Detaches the component of class `cls`.
   * @throws Error when none is attached or another attached component requires it.
   */
  remove(cls: ComponentClass): void {
    const { typeName, id, world, eid } = this.placed();
    const part = this.parts.get(cls);
    if (!part) throw new Error(`${typeName} ${id} has no ${cls.name}`);
    const dependent = [...this.parts.keys()].find((other) => other.requires.includes(cls));
    if (dependent) throw new Error(`${typeName} ${id}: ${dependent.name} requires ${cls.name}, so it cannot be removed`);
    part.onDetach();
    part.bind(undefined);
    this.parts.delete(cls);
    removeComponent(world.ecs, eid, cls);
  }

  /**
   * The space the entity is in (a scene, a match, the open world), or undefined when it is in
   * its lobby's own world (or destroyed).
   */
  get space(): WorldSpace | undefined {
    return this.placement?.world.space;
  }

  /**
   * The entities of this entity's space within `radius` of it, itself excluded, in no particular
   * order; [] outside a space.
   * @throws Error when the space declares no interest grid (it knows no positions).
   */
  nearby(radius: number): Entity[] {
    const space = this.space;
    return space ? space.nearby(this, radius) : [];
  }

  /** Marks the entity for saving (see {@link Component.markDirty}). */
  markDirty(options?: DirtyOptions): void {
    const { world } = this.placed();
    world.markDirty(this, options);
  }

  /** The persistent fields of every attached component, by component class name. */
  persistentData(): ComponentData {
    this.placed();
    const data: ComponentData = {};
    for (const [cls, part] of this.parts) {
      if (cls.persist.length === 0) continue;
      const fields: Record<string, unknown> = {};
      for (const field of cls.persist) fields[field] = (part as unknown as Record<string, unknown>)[field];
      data[cls.name] = fields;
    }
    return data;
  }

  // -----------------------------------------------------------------------------------------------
  // The entity context

  /**
   * The entity's address, for other servers: `remote(mailbox)` reaches it from anywhere.
   * @throws Error when the entity is destroyed, or its world has no host.
   */
  get mailbox(): Mailbox {
    const { id } = this.placed();
    return { serverId: this.host('mailbox').serverId(), entityId: id };
  }

  /**
   * Milliseconds since the epoch on the world's clock (the game's clock: a manual one in tests),
   * for cooldowns and expiries in component methods.
   * @throws Error when the entity is destroyed.
   */
  now(): number {
    return this.placed().world.clock.now();
  }

  /**
   * A logger whose every line carries the entity's `entityId` and `type`.
   * @throws Error when the entity is destroyed.
   */
  get logger(): Logger {
    const { world, id, typeName } = this.placed();
    this.ownLogger ??= world.logger.child({ entityId: id, type: typeName });
    return this.ownLogger;
  }

  /**
   * The entity's timers (entity-timers.ts): `after`, `every`, `schedule`, `cancel`. Their
   * callbacks run through the entity's queue; all are cancelled when the entity leaves the world.
   * @throws Error when the entity is destroyed.
   */
  get timers(): EntityTimers {
    const { world } = this.placed();
    this.ownTimers ??= new EntityTimers({
      timers: world.timers,
      clock: world.clock,
      queue: this.queue,
      logger: () => this.logger,
      target: this,
      // Read at each use: the entity may have moved to another world of its lobby since.
      markDirty: () => this.placement?.world.markDirty(this),
      max: world.maxTimersPerEntity,
    });
    return this.ownTimers;
  }

  /**
   * The entity's queue (entity-queue.ts): its owner's client requests, calls from other servers
   * and its timer callbacks run there one at a time. Kept after the entity leaves the world, so
   * that the server can wait for what is still queued.
   * @throws Error when the entity was never placed in a world.
   */
  get queue(): EntityQueue {
    if (!this.home) throw new Error(`${this.constructor.name}: the entity was never spawned`);
    this.ownQueue ??= new EntityQueue(this.home.queueLimit, this.home.taskContext);
    return this.ownQueue;
  }

  /**
   * A proxy for the entity at `mailbox`, anywhere in the cluster: `remote<{ Vault: Vault }>(mb).Vault.deposit(5)`
   * returns a promise. Calling back into an entity that is waiting on you waits until the deadline.
   * @throws Error when the entity is destroyed, or its world has no host.
   */
  remote<T = UntypedEntity>(mailbox: Mailbox, options?: CallOptions): RemoteEntity<T> {
    return this.host('remote').remote<T>(mailbox, options);
  }

  /**
   * A proxy for the entity behind cluster-wide name `name`, looked up at each call.
   * @throws Error when the entity is destroyed, or its world has no host.
   */
  named<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    return this.host('named').named<T>(name, options);
  }

  /**
   * A proxy for the game's global entity `name` (declared in the game's `globals`), wherever it
   * runs; during a handover between owners a call waits for the new one within its deadline.
   * @throws Error when the entity is destroyed, or its world has no host.
   */
  global<T = UntypedEntity>(name: string, options?: CallOptions): RemoteEntity<T> {
    return this.host('global').global<T>(name, options);
  }

  /**
   * A proxy for service `name` on server `serverId`.
   * @throws Error when the entity is destroyed, or its world has no host.
   */
  service<T = UntypedService>(serverId: string, name: string, options?: CallOptions): RemoteService<T> {
    return this.host('service').service<T>(serverId, name, options);
  }

  /**
   * Creates a new entity in this entity's world (see World.spawn); it is saved with the next flush
   * when it has persistent fields.
   * @throws Error for an unregistered type, an id in use, what its `onCreate` threw, or when this
   *   entity is destroyed.
   */
  spawn<E extends Entity>(type: EntityClass<E> | string, options: EntitySpawnOptions = {}): E {
    const { world } = this.placed();
    return world.spawn(type, options.id === undefined ? {} : { id: options.id });
  }

  /**
   * Claims entity `id` of `type` for this server and loads it into this world (`onLoad`), or
   * returns it when it is here already.
   * @returns undefined when the store has no such entity: spawn it with that id to create it.
   * @throws (rejects) OwnershipHeldError while another server holds it; StoreError when the store
   *   fails; Error when this entity is destroyed, its world has no host, or the entity with that
   *   id in the world is of another type.
   */
  async load<E extends Entity = Entity>(type: EntityClass<E> | string, id: string): Promise<E | undefined> {
    const { world } = this.placed();
    const host = this.host('load');
    return (await host.load(world.typeNameOf(type), id)) as E | undefined;
  }

  /**
   * Saves this entity, takes it out of the world (its timers are cancelled) and gives its claim
   * back, so that another server may load it at once. Call it from the entity's own methods or
   * timers, which run in its queue: from outside (a system, a service, a hook of another entity),
   * a call from another server queued meanwhile could change it after the save, and that change
   * would be lost.
   * @throws (rejects) Error when the save failed (the entity stays, dirty) or the world has no host.
   */
  unload(): Promise<void> {
    try {
      return this.host('unload').unload(this);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Takes this entity out of the world now (`onDestroy`, timers cancelled, components detached);
   * unsaved changes are not saved. A no-op when it is gone already.
   */
  destroy(): void {
    this.placement?.world.destroy(this);
  }

  /** Called once the entity and its components exist, when it is new (not loaded). */
  onCreate(): void {}

  /** Called once the entity and its components exist, when it was loaded from the store. */
  onLoad(): void {}

  /** Called before the entity's components are detached and it leaves the world. */
  onDestroy(): void {}

  /** @internal The `schedule` timers to save with the entity (none when it never started a timer). */
  storedTimers(): ReturnType<EntityTimers['stored']> {
    return this.ownTimers?.stored() ?? [];
  }

  /** @internal Places the entity in a world and attaches its class's components; only the world calls it. */
  place(placement: Placement, order: readonly ComponentClass[], loaded?: ComponentData): void {
    this.placement = placement;
    this.home = placement.world;
    for (const cls of order) this.attach(cls, loaded?.[cls.name]);
  }

  /** @internal The world the entity is in now, undefined once destroyed (world groups use it). */
  get placedWorld(): World | undefined {
    return this.placement?.world;
  }

  /** @internal Live timers of the entity, for a transfer between worlds. */
  get timerCount(): number {
    return this.ownTimers?.size ?? 0;
  }

  /**
   * @internal Moves the entity to `world` under bitecs id `eid`: every component keeps its
   * instance, its hot values are copied to the new world's arrays, and it is added to the new
   * bitecs world. Only the world calls it (World.transfer), which checked the move first.
   */
  relocate(world: World, eid: number): void {
    const placement = this.placed();
    for (const [cls, part] of this.parts) {
      const store = world.hot(cls);
      const from = part.hotStore;
      for (const field in store) store[field]![eid] = from ? from[field]![part.hotEid]! : 0;
      part.hotStore = store;
      part.hotEid = eid;
      addComponent(world.ecs, eid, cls);
    }
    this.placement = { ...placement, world, eid };
    // Remade on first use: the new world's logger may say which space it is.
    this.ownLogger = undefined;
    // An idle timer set bound to the old world's timer service is remade on the new one.
    if (this.ownTimers && placement.world.timers !== world.timers) this.ownTimers = undefined;
  }

  /** @internal The numeric bitecs id, valid until the entity is destroyed; only the world uses it. */
  get eid(): number {
    return this.placed().eid;
  }

  /**
   * @internal Detaches every component, last attached first, and leaves the world; only the world
   * calls it. A throwing `onDetach` goes to `onError` and the others still run.
   */
  unplace(onError: (err: unknown, part: Component) => void): void {
    this.ownTimers?.close();
    for (const part of [...this.parts.values()].reverse()) {
      try {
        part.onDetach();
      } catch (err) {
        onError(err, part);
      }
      part.bind(undefined);
    }
    this.parts.clear();
    this.placement = undefined;
  }

  private attach<C extends Component>(cls: ComponentClass<C>, loaded?: Record<string, unknown>): C {
    const { world, eid } = this.placed();
    const part = new cls();
    mapHotFields(part, world.hot(cls), eid);
    // Loaded values go in before the fields are watched and the entity is bound: loading does not
    // make an entity dirty. Hot ones land in the world's typed arrays through their accessors.
    if (loaded) Object.assign(part, loaded);
    watchFields(part, cls.persist, cls.hot, () => this.markDirty());
    part.bind(this);
    this.parts.set(cls, part);
    addComponent(world.ecs, eid, cls);
    part.onAttach();
    return part;
  }

  private host(what: string): EntityHost {
    const { world, typeName, id } = this.placed();
    const host = world.host;
    if (!host) throw new Error(`${typeName} ${id}: ${what} needs the server (RPC or the store), and this world has no host`);
    return host;
  }

  private placed(): Placement {
    if (!this.placement) throw new Error(`${this.constructor.name}: the entity is destroyed or was never spawned`);
    return this.placement;
  }
}
