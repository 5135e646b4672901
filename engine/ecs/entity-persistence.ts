/**
 * Saves entities to a {@link Store} and loads them back. An entity is one document in the
 * collection named after its type: `{ type, components: { <ComponentClass>: { <field>: value } } }`
 * holding the persistent fields of its components, with the store's version for optimistic
 * concurrency. Dirty entities are saved in batches by {@link EntityPersistence.flushDirty};
 * critical changes are saved at once.
 */
import type { Logger } from '../log/types.js';
import { StoreError } from '../persist/errors.js';
import type { SaveRequest, Store } from '../persist/store.js';
import type { ComponentData, Entity } from './entity.js';
import type { EntityRegistry } from './entity-registry.js';
import type { World } from './world.js';

/** Options for {@link EntityPersistence}. */
export interface EntityPersistenceOptions {
  world: World;
  registry: EntityRegistry;
  store: Store;
  logger: Logger;
  /** Documents per `saveBatch` (default 1,000). */
  batchSize?: number;
}

/** What one flush did. */
export interface FlushResult {
  saved: number;
  /** Entities whose stored version moved under them: logged, not retried. */
  conflicts: number;
}

/** The entity ↔ store binding of one world. */
export class EntityPersistence {
  private readonly batchSize: number;
  /** Entities with a save in flight: a second save now would carry the same expected version. */
  private readonly saving = new Set<Entity>();
  /** Critical saves started and not yet settled. */
  private readonly critical = new Set<Promise<void>>();

  constructor(private readonly options: EntityPersistenceOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    // Critical changes are saved at once; a failure is logged and the entity stays dirty.
    // Deferred a turn, so that an entity marked critical inside a spawn that then fails is not saved.
    options.world.onCritical((entity) => {
      const saved = Promise.resolve()
        .then(async () => {
          if (!entity.alive) return;
          this.options.world.takeDirtyOne(entity);
          await this.save([entity]);
        })
        .catch((err: unknown) => this.options.logger.error('critical save failed', { err, entityId: entity.id }));
      this.critical.add(saved);
      void saved.finally(() => this.critical.delete(saved));
    });
  }

  /** Resolves when every critical save started so far has settled (before closing the store). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.critical]);
  }

  /**
   * Saves every dirty entity, in batches per type.
   * @throws StoreError when the store fails; the entities of the failed batch are dirty again.
   */
  async flushDirty(): Promise<FlushResult> {
    return this.save(this.options.world.takeDirty());
  }

  /**
   * Loads an entity of type `type` by id into the world (calling `onLoad`), or returns the one
   * already there.
   * @returns `undefined` when the store has no such document.
   * @throws Error for an unknown type or a document that does not fit the type; the world is unchanged.
   */
  async load(type: string, id: string): Promise<Entity | undefined> {
    const { cls, order, name } = this.options.registry.lookup(type);
    const present = this.options.world.find(id);
    if (present) return present;
    const doc = await this.options.store.load(name, id);
    if (!doc) return undefined;
    // Another load of the same id may have finished while this one waited.
    const arrived = this.options.world.find(id);
    if (arrived) return arrived;
    const components = checkDocument(`${name}/${id}`, name, doc.data, order.map((c) => ({ name: c.name, persist: c.persist, sample: new c() })));
    return this.options.world.spawn(cls, { id, loaded: { version: doc.version, components } });
  }

  private async save(entities: Entity[]): Promise<FlushResult> {
    const byType = new Map<string, Entity[]>();
    for (const e of entities) {
      if (!e.alive) continue;
      if (this.saving.has(e)) {
        // Changed again while its last save is in flight: it goes with the next flush.
        this.options.world.markDirty(e);
        continue;
      }
      const group = byType.get(e.typeName);
      if (group) group.push(e);
      else byType.set(e.typeName, [e]);
    }
    const result: FlushResult = { saved: 0, conflicts: 0 };
    const groups = [...byType];
    for (let g = 0; g < groups.length; g++) {
      const [type, group] = groups[g]!;
      for (let i = 0; i < group.length; i += this.batchSize) {
        const batch = group.slice(i, i + this.batchSize);
        const requests: SaveRequest[] = batch.map((e) => ({
          id: e.id,
          data: { type, components: e.persistentData() },
          expectedVersion: e.version,
        }));
        let outcomes;
        for (const e of batch) this.saving.add(e);
        try {
          outcomes = await this.options.store.saveBatch(type, requests);
        } catch (err) {
          // Nothing from this batch on was saved: all of it stays dirty for the next flush.
          const unsaved = [...group.slice(i), ...groups.slice(g + 1).flatMap(([, rest]) => rest)];
          for (const e of unsaved) this.options.world.markDirty(e);
          throw err;
        } finally {
          for (const e of batch) this.saving.delete(e);
        }
        outcomes.forEach((o, k) => {
          const entity = batch[k]!;
          if (o.ok) {
            entity.version = o.version;
            result.saved++;
          } else {
            result.conflicts++;
            this.options.logger.error('entity save conflict', { entityId: entity.id, type, expectedVersion: o.expectedVersion, actualVersion: o.actualVersion });
          }
        });
      }
    }
    return result;
  }
}

interface ComponentShape {
  name: string;
  persist: readonly string[];
  sample: object;
}

// A stored document must be for this type, and each stored field must have the kind of value
// the component starts with (number, string, boolean, array, object); fields it lacks keep
// their initial values, so new fields can be added to a game without migrating old documents.
function checkDocument(where: string, type: string, data: Record<string, unknown>, shapes: ComponentShape[]): ComponentData {
  const fail = (problem: string): never => {
    throw new StoreError('STORE_ERR_INVALID_DOCUMENT', `${where}: ${problem}`);
  };
  if (data.type !== type) fail(`stored as type ${JSON.stringify(data.type)}, expected ${type}`);
  const components = data.components;
  if (typeof components !== 'object' || components === null || Array.isArray(components)) fail('components is not an object');
  const result: ComponentData = {};
  for (const { name, persist, sample } of shapes) {
    const stored = (components as Record<string, unknown>)[name];
    if (stored === undefined) continue;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) fail(`components.${name} is not an object`);
    const fields: Record<string, unknown> = {};
    for (const field of persist) {
      if (!Object.hasOwn(stored as object, field)) continue;
      const value = (stored as Record<string, unknown>)[field];
      const initial = (sample as Record<string, unknown>)[field];
      if (initial !== null && initial !== undefined && kind(value) !== kind(initial)) {
        fail(`components.${name}.${field} holds ${kind(value)}, expected ${kind(initial)}`);
      }
      fields[field] = value;
    }
    result[name] = fields;
  }
  return result;
}

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}
