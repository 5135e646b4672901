/**
 * The worlds of one lobby seen as one: its home world (entities outside any space) and the world
 * of each of its spaces. One EntityPersistence, one session host and one RPC entity lookup serve
 * them all: lookups search every world, the dirty entities of every world are saved together,
 * and what concerns one entity (marking it dirty, destroying it) goes to the world it is in now.
 * An entity moves between the group's worlds with {@link World.transfer}.
 */
import type { DirtyOptions } from './component.js';
import type { Entity, EntityClass } from './entity.js';
import type { SpawnOptions, World } from './world.js';

/** How a world joins a group. */
export interface WorldGroupMemberOptions {
  /**
   * Which of its entities are saved (default: all): a world whose other entities are not kept
   * (a match) still has its players saved. Those left out are never handed to the persistence,
   * so they are never claimed nor stored.
   */
  saves?: (entity: Entity) => boolean;
}

const SAVES_ALL = (): boolean => true;

/** A lobby's worlds, for the parts that serve all of them. */
export class WorldGroup {
  private readonly members = new Map<World, (entity: Entity) => boolean>();
  private criticalListener: ((entity: Entity) => void) | undefined;

  /** @param home the world new entities are spawned in, never removed from the group. */
  constructor(readonly home: World) {
    this.add(home);
  }

  /**
   * Adds a world: its entities are found, saved and reached through the group from now on.
   * @throws Error when it is in the group already, or has a critical listener of its own.
   */
  add(world: World, options: WorldGroupMemberOptions = {}): void {
    if (this.members.has(world)) throw new Error('WorldGroup.add: the world is in the group already');
    const saves = options.saves ?? SAVES_ALL;
    world.onCritical((entity) => {
      if (saves(entity)) this.criticalListener?.(entity);
    });
    this.members.set(world, saves);
  }

  /**
   * Takes a world out of the group (a space disposed, its entities gone or moved out).
   * @throws Error for the home world.
   */
  remove(world: World): void {
    if (world === this.home) throw new Error('WorldGroup.remove: the home world stays');
    this.members.delete(world);
  }

  /** Whether `world` is in the group. */
  has(world: World): boolean {
    return this.members.has(world);
  }

  /** The worlds, the home world first. */
  worlds(): World[] {
    return [...this.members.keys()];
  }

  /** Entities alive in all the worlds. */
  get entityCount(): number {
    let count = 0;
    for (const world of this.members.keys()) count += world.entityCount;
    return count;
  }

  /** The live entity with global id `id`, in whichever world it is. */
  find(id: string): Entity | undefined {
    for (const world of this.members.keys()) {
      const found = world.find(id);
      if (found) return found;
    }
    return undefined;
  }

  /** Every live entity of every world (a snapshot). */
  list(): Entity[] {
    return this.worlds().flatMap((world) => world.list());
  }

  /** The group's world `entity` is in, if it is alive in one. */
  worldOf(entity: Entity): World | undefined {
    const world = entity.placedWorld;
    return world && this.members.has(world) ? world : undefined;
  }

  /**
   * Spawns into the home world (see World.spawn); loading does too, and a space moves what it
   * wants with World.transfer.
   */
  spawn<E extends Entity>(type: EntityClass<E> | string, options?: SpawnOptions): E {
    return this.home.spawn(type, options);
  }

  /** Destroys `entity` in its world (see World.destroy); a no-op when it is gone. */
  destroy(entity: Entity): void {
    this.worldOf(entity)?.destroy(entity);
  }

  /** Marks `entity` dirty in its world (see World.markDirty). */
  markDirty(entity: Entity, options?: DirtyOptions): void {
    this.worldOf(entity)?.markDirty(entity, options);
  }

  /** Whether `entity` has unsaved changes in its world. */
  isDirty(entity: Entity): boolean {
    return this.worldOf(entity)?.isDirty(entity) ?? false;
  }

  /** Entities with unsaved changes that the group saves, in every world. */
  countDirty(): number {
    let count = 0;
    for (const [world, saves] of this.members) count += world.countDirty(saves);
    return count;
  }

  /**
   * The dirty entities of every world that are to be saved; none is dirty afterwards (those a
   * world does not save are dropped).
   */
  takeDirty(): Entity[] {
    const taken: Entity[] = [];
    for (const [world, saves] of this.members) {
      for (const entity of world.takeDirty()) if (saves(entity)) taken.push(entity);
    }
    return taken;
  }

  /** Takes one entity out of its world's dirty set. */
  takeDirtyOne(entity: Entity): void {
    this.worldOf(entity)?.takeDirtyOne(entity);
  }

  /**
   * Sets who hears about critical changes in any world of the group, now or added later.
   * @throws Error when one is set already.
   */
  onCritical(listener: (entity: Entity) => void): void {
    if (this.criticalListener) throw new Error('WorldGroup.onCritical: a listener is set already');
    this.criticalListener = listener;
  }
}
