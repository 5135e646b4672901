/**
 * The `persist: true` spaces of a lobby: what their records say (space-records.ts), the entities
 * they get back when a space of a kept id is created again, and what is saved when one is
 * disposed or the lobby drains. The entities themselves are saved and loaded by the lobby's one
 * EntityPersistence, each in its own type's collection.
 */
import type { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import type { Entity } from '../engine/ecs/entity.js';
import type { EntityRegistry } from '../engine/ecs/entity-registry.js';
import type { Logger } from '../engine/log/types.js';
import type { Store } from '../engine/persist/store.js';
import { PlayerEntity } from './player-entity.js';
import type { Space } from './space.js';
import { loadSpaceRecord, saveSpaceRecord, type SpaceRecord, type SpaceRecordEntity } from './space-records.js';

/** What {@link KeptSpaces} needs. */
export interface KeptSpacesOptions {
  store: Store;
  persistence: EntityPersistence;
  registry: EntityRegistry;
}

/** Records and entities of kept spaces. */
export class KeptSpaces {
  /** The stored version of each kept space's record (none: not written yet). */
  private readonly versions = new WeakMap<Space, number>();

  constructor(private readonly options: KeptSpacesOptions) {}

  /**
   * The record of `id`, if one is kept: to restore a new space of `type` from when it is of that
   * type; one of another type is logged and comes back with no entities, to be written over.
   * @throws StoreError when the store fails; Error for a document that is not a space record.
   */
  async read(id: string, type: string, logger: Logger): Promise<SpaceRecord | undefined> {
    const found = await loadSpaceRecord(this.options.store, id);
    if (found && found.type !== type) {
      logger.error('space: the kept record of this id is of another type; not restored', { spaceId: id, type, recordType: found.type });
      return { type: found.type, entities: [], version: found.version };
    }
    return found;
  }

  /** Loads the entities `record` lists into the new `space`'s world (one that fails is logged and skipped). */
  async restore(space: Space, record: SpaceRecord): Promise<void> {
    this.versions.set(space, record.version);
    for (const entry of record.entities) {
      try {
        await this.options.persistence.load(entry.type, entry.id, { into: space.world });
      } catch (err) {
        space.logger.error('space: a kept entity could not be loaded', { err, entityId: entry.id, type: entry.type });
      }
    }
  }

  /** Saves and unloads the kept entities of a space being disposed, then writes its record. */
  async keep(space: Space): Promise<void> {
    const kept = this.keptEntities(space);
    const entries = kept.map((e) => ({ type: e.typeName, id: e.id }));
    for (const entity of kept) {
      await this.options.persistence.saveAndUnload(entity).catch((err: unknown) => space.logger.error('space: a kept entity could not be saved', { err, entityId: entity.id }));
    }
    await this.write(space, entries);
  }

  /** Writes the record of a live space, listing what it holds now (the lobby drains; its flush saves them). */
  list(space: Space): Promise<void> {
    return this.write(space, this.keptEntities(space).map((e) => ({ type: e.typeName, id: e.id })));
  }

  // The entities saved with a kept space: those with persistent fields, players aside.
  private keptEntities(space: Space): Entity[] {
    const { registry } = this.options;
    return space.world.list().filter((e) => !(e instanceof PlayerEntity) && registry.lookup(e.typeName).order.some((c) => c.persist.length > 0));
  }

  // A failure is logged: the entities are saved, only their list is not (they come back once it is written).
  private async write(space: Space, entities: SpaceRecordEntity[]): Promise<void> {
    try {
      this.versions.set(space, await saveSpaceRecord(this.options.store, space.id, { type: space.type, entities }, this.versions.get(space) ?? 0));
    } catch (err) {
      space.logger.error('space: its record could not be written', { err, entities: entities.length });
    }
  }
}
