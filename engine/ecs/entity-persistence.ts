/**
 * Saves entities to a {@link Store} and loads them back. An entity is one document in the
 * collection named after its type: `{ type, components: { <ComponentClass>: { <field>: value } } }`
 * holding the persistent fields of its components, with the store's version for optimistic
 * concurrency. Dirty entities are saved in batches by {@link EntityPersistence.flushDirty};
 * critical changes are saved at once.
 *
 * Each entity has one owner: this world claims it in the store before loading it (or before a
 * new one is first saved) and saves it under the claim's epoch (entity-claims.ts). A save that
 * fails keeps the entity dirty for the next one; a save that finds the stored version moved by its
 * own earlier save whose answer was lost (that save threw) takes that version and is retried. An
 * entity whose claim lapsed (the store was out of reach longer than the claim lives) stays in the
 * world with its changes, unsaved, until its claim is taken again (entity-claims.ts). An entity
 * whose claim is lost is never saved again: it is logged at error, handed to the
 * {@link EntityPersistence.onOwnershipLost} listeners and taken out of the world.
 */
import type { Logger } from '../log/types.js';
import { isClaimLost } from '../persist/claim-lost.js';
import { OwnershipHeldError } from '../persist/errors.js';
import type { SaveOutcome, SaveRequest, Store } from '../persist/store.js';
import type { Clock } from '../timer/clock.js';
import { checkEntityDocument, checkStoredTimers } from './check-entity-document.js';
import { EntityClaims } from './entity-claims.js';
import type { Entity } from './entity.js';
import type { EntityRegistry } from './entity-registry.js';
import type { World } from './world.js';

/**
 * The world (or worlds: a lobby's WorldGroup, world-group.ts) whose entities a persistence
 * saves and loads into.
 */
export type PersistedWorlds = Pick<World, 'find' | 'spawn' | 'destroy' | 'markDirty' | 'isDirty' | 'takeDirty' | 'takeDirtyOne' | 'onCritical'>;

/** Options for {@link EntityPersistence.load}. */
export interface LoadOptions {
  /** The world the entity is spawned in (default: the persistence's, or a group's home world). */
  into?: Pick<World, 'spawn'>;
}

/** Options for {@link EntityPersistence}. */
export interface EntityPersistenceOptions {
  world: PersistedWorlds;
  registry: EntityRegistry;
  store: Store;
  logger: Logger;
  /** Time for renewing claims. */
  clock: Clock;
  /** Who owns what this world loads: its server id, read at each claim. */
  owner: string | (() => string);
  /** Documents per `saveBatch` (default 1,000). */
  batchSize?: number;
  /** How long an ownership claim lives unless renewed (default 15,000 ms, as `store.claimTtlMs`). */
  claimTtlMs?: number;
  /** How often claims are renewed (default 5,000 ms, as `store.claimRenewMs`); less than `claimTtlMs`. */
  claimRenewMs?: number;
}

/** What one flush did. */
export interface FlushResult {
  saved: number;
  /** Entities whose stored version moved under them: kept dirty and retried. */
  conflicts: number;
  /** Entities whose ownership was lost: not saved, taken out of the world. */
  lost: number;
}

/** What the saves of one persistence did since it was made, for metrics. */
export interface PersistenceStats {
  /** Documents stored. */
  saved: number;
  /** Documents whose write failed in the store (their entities stay dirty for the next flush), or whose new entity could not be claimed. */
  failed: number;
  /** Saves that met a version conflict: kept dirty and retried. */
  conflicts: number;
  /** Entities whose ownership was lost at a save: not saved, taken out of the world. */
  lost: number;
}

/** Why an entity's claim was lost, as the listeners hear it. */
export type OwnershipLostListener = (entity: Entity, reason: string) => void;

/** One `saveBatch` of a save: its entities are in flight until `done` settles `running`. */
interface SaveBatch {
  type: string;
  entities: Entity[];
  running: Promise<void>;
  done: () => void;
}

/** The entity ↔ store binding of one world. */
export class EntityPersistence {
  private readonly batchSize: number;
  /** Saves in flight by entity: a second save now would carry the same expected version. */
  private readonly saving = new Map<Entity, Promise<unknown>>();
  /** Critical saves started and not yet settled, by entity; each tells whether it stored the change. */
  private readonly critical = new Map<Entity, Promise<boolean>>();
  /** Loads in flight by id: two loads of one id share one claim. */
  private readonly loading = new Map<string, Promise<Entity | undefined>>();
  private readonly claims: EntityClaims;
  private readonly lostListeners: OwnershipLostListener[] = [];
  /** Claims being given back after a loss (release logs its own failures). */
  private readonly releasing = new Set<Promise<void>>();
  /** Entities whose last save threw (it may have landed unseen), by the version that save expected. */
  private readonly unanswered = new WeakMap<Entity, number>();
  private readonly counters: PersistenceStats = { saved: 0, failed: 0, conflicts: 0, lost: 0 };

  /** @throws RangeError when `claimRenewMs` is not below `claimTtlMs`. */
  constructor(private readonly options: EntityPersistenceOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    const ttlMs = options.claimTtlMs ?? 15_000;
    const renewIntervalMs = options.claimRenewMs ?? 5_000;
    if (!(renewIntervalMs > 0 && renewIntervalMs < ttlMs)) throw new RangeError(`EntityPersistence: claimRenewMs ${renewIntervalMs} must be above 0 and below claimTtlMs ${ttlMs}`);
    const { owner } = options;
    this.claims = new EntityClaims({
      store: options.store,
      clock: options.clock,
      logger: options.logger,
      settings: { owner: typeof owner === 'string' ? () => owner : owner, ttlMs, renewIntervalMs },
      onLost: (id, reason) => {
        const entity = options.world.find(id);
        if (entity) this.lose(entity, reason);
      },
      // The store's fence moved the document to the new claim; its data is this entity's last save.
      onRetaken: (id, version) => {
        const entity = options.world.find(id);
        if (!entity || version === undefined) return;
        entity.version = version;
        this.unanswered.delete(entity);
      },
    });
    // Critical changes are saved at once; a failure is logged and the entity stays dirty.
    // Deferred a turn, so that an entity marked critical inside a spawn that then fails is not saved.
    options.world.onCritical((entity) => {
      const before = this.critical.get(entity);
      const saved = Promise.resolve()
        .then(async () => {
          // One save of an entity at a time: a critical change waits for the save in flight.
          if (before) await before;
          for (let running = this.saving.get(entity); running; running = this.saving.get(entity)) await running.catch(() => undefined);
          // A conflict with its own unseen save takes the stored version: the second try lands.
          for (let attempt = 0; attempt < 2; attempt++) {
            if (!entity.alive) return false;
            if (!this.options.world.isDirty(entity)) return true;
            this.options.world.takeDirtyOne(entity);
            const result = await this.save([entity]);
            if (result.saved === 1) return true;
            if (result.conflicts === 0) return false;
          }
          return false;
        })
        .catch((err: unknown) => {
          this.options.logger.error('critical save failed', { err, entityId: entity.id });
          return false;
        });
      this.critical.set(entity, saved);
      void saved.finally(() => {
        if (this.critical.get(entity) === saved) this.critical.delete(entity);
      });
    });
  }

  /** Ownership claims held, for reports. */
  get claimCount(): number {
    return this.claims.size;
  }

  /** A copy of what the saves did so far. */
  stats(): PersistenceStats {
    return { ...this.counters };
  }

  /** Adds a listener told when an entity's claim is lost, just before the entity is taken out of the world. */
  onOwnershipLost(listener: OwnershipLostListener): void {
    this.lostListeners.push(listener);
  }

  /** Resolves when every critical save and claim release started so far has settled (before closing the store). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.critical.values(), ...this.releasing]);
  }

  /**
   * The critical save of `entity` in flight, if any, resolving to whether it stored the change:
   * a new one for each critical change, so that a caller can tell whether what it ran started one.
   */
  pendingCritical(entity: Entity): Promise<boolean> | undefined {
    return this.critical.get(entity);
  }

  /**
   * Waits for the critical save of `entity` in flight, if any.
   * @returns whether its critical changes are in the store (true when none were pending).
   */
  async criticalSaved(entity: Entity): Promise<boolean> {
    const pending = this.critical.get(entity);
    return pending ? pending : true;
  }

  /**
   * Saves every dirty entity, in batches per type. A new entity whose id another owner holds is
   * lost (as a lost claim is); one the store fails to claim stays dirty while the others are saved.
   * @throws StoreError when the store fails; the entities of the failed batch and of those after it
   *   are dirty again (a failure to claim is thrown after the others are saved).
   */
  async flushDirty(): Promise<FlushResult> {
    return this.save(this.options.world.takeDirty());
  }

  /**
   * Claims an entity of type `type` and loads it into the world (calling `onLoad`), or returns the
   * one already there. When the store has no such document the claim is kept, so that the caller
   * can create the entity under it (spawn it with this id and save it) or give it back with
   * {@link releaseClaim}.
   * @returns `undefined` when the store has no such document.
   * @throws OwnershipHeldError (STORE_ERR_OWNED) while another owner holds it; Error for an
   *   unknown type or a document that does not fit the type; StoreError when the store fails. The
   *   world is unchanged and no claim is kept.
   */
  load(type: string, id: string, options: LoadOptions = {}): Promise<Entity | undefined> {
    const present = this.options.world.find(id);
    if (present) return Promise.resolve(present);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.claimAndLoad(type, id, options.into ?? this.options.world).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /**
   * Takes `entity` out of the world and releases its claim, so that another process may load it
   * at once. Save it first: unsaved changes are not saved here.
   */
  async unload(entity: Entity): Promise<void> {
    const { id } = entity;
    this.options.world.destroy(entity);
    await this.claims.release(id);
  }

  /**
   * Saves `entity` now (waiting for any save of it in flight), then {@link unload}s it.
   * @throws Error when the save failed: the entity stays in the world, dirty and claimed, for the
   *   next flush; or when its ownership was lost meanwhile (it is gone, unsaved, as logged).
   */
  async saveAndUnload(entity: Entity): Promise<void> {
    const { world } = this.options;
    const { id, typeName } = entity;
    // A batch save of it in flight may fail and leave it dirty again: its outcome is awaited first.
    for (let running = this.saving.get(entity); running; running = this.saving.get(entity)) await running.catch(() => undefined);
    // Never saved, or changed since: saved at once, as a critical change is.
    if (entity.version === 0 || world.isDirty(entity)) world.markDirty(entity, { critical: true });
    if (!(await this.criticalSaved(entity)) || !entity.alive) {
      throw new Error(`${typeName} ${id} was not unloaded: ${entity.alive ? 'its save failed; it stays loaded and dirty for the next flush' : 'its ownership was lost'}`);
    }
    await this.unload(entity);
  }

  /** Releases the claim a {@link load} that found nothing kept on `id`, when nothing is created under it. */
  async releaseClaim(id: string): Promise<void> {
    if (!this.options.world.find(id)) await this.claims.release(id);
  }

  /** Renews every claim now, as the interval does (for tests and for a root that wants it sooner). */
  renewClaims(): Promise<void> {
    return this.claims.renewNow();
  }

  /**
   * Stops renewing claims and releases those of entities with nothing left to save (after the
   * final flush); the claims of entities still dirty lapse on their own.
   */
  async close(): Promise<void> {
    await this.claims.close();
    const { world } = this.options;
    for (const id of this.claims.ids()) {
      const entity = world.find(id);
      if (!entity || !world.isDirty(entity)) await this.claims.release(id);
    }
  }

  private async claimAndLoad(type: string, id: string, into: Pick<World, 'spawn'>): Promise<Entity | undefined> {
    const { cls, order, name } = this.options.registry.lookup(type);
    await this.claims.claim(name, id);
    try {
      const doc = await this.options.store.load(name, id);
      if (!doc) return undefined;
      const components = checkEntityDocument(`${name}/${id}`, name, doc.data, order.map((c) => ({ name: c.name, persist: c.persist, hot: c.hot, sample: new c() })));
      const timers = checkStoredTimers(`${name}/${id}`, doc.data.timers);
      const entity = into.spawn(cls, { id, loaded: { version: doc.version, components, timers } });
      this.claims.attach(entity);
      return entity;
    } catch (err) {
      await this.claims.release(id);
      throw err;
    }
  }

  private async save(entities: Entity[]): Promise<FlushResult> {
    const { world } = this.options;
    const byType = new Map<string, Entity[]>();
    const result: FlushResult = { saved: 0, conflicts: 0, lost: 0 };
    for (const e of entities) {
      if (!e.alive) continue;
      if (this.saving.has(e)) {
        // Changed again while its last save is in flight: it goes with the next flush.
        world.markDirty(e);
        continue;
      }
      if (this.claims.has(e.id) && this.claims.epochOf(e.id) === undefined) {
        // Its claim lapsed: kept dirty, saved once the claim is taken again.
        world.markDirty(e);
        continue;
      }
      const group = byType.get(e.typeName);
      if (group) group.push(e);
      else byType.set(e.typeName, [e]);
    }
    // Every entity of this save is in flight from now until its batch settles, not only once its
    // batch starts: a critical save of one in a later batch waits for it instead of racing it.
    const batches: SaveBatch[] = [];
    for (const [type, group] of byType) {
      for (let i = 0; i < group.length; i += this.batchSize) {
        const entities = group.slice(i, i + this.batchSize);
        let done!: () => void;
        const running = new Promise<void>((resolve) => (done = resolve));
        for (const e of entities) this.saving.set(e, running);
        batches.push({ type, entities, running, done });
      }
    }
    // Store failures in claiming new entities: those stay dirty, the others are saved, then the first is thrown.
    const claimFailures: unknown[] = [];
    let next = 0;
    try {
      for (; next < batches.length; next++) {
        const { type, entities: batch } = batches[next]!;
        let ready: Entity[] = [];
        let outcomes: SaveOutcome[];
        try {
          ready = await this.claimNew(type, batch, result, claimFailures);
          const requests: SaveRequest[] = ready.map((e) => ({
            id: e.id,
            data: entityDocument(type, e),
            expectedVersion: e.version,
            epoch: this.claims.epochOf(e.id)!,
          }));
          outcomes = requests.length === 0 ? [] : await this.options.store.saveBatch(type, requests);
        } catch (err) {
          // The batch's outcome is unknown: its writes may have landed without an answer.
          for (const e of ready) this.unanswered.set(e, e.version);
          this.counters.failed += ready.length;
          // Nothing from this batch on is known saved: all of it stays dirty for the next flush.
          const unsaved = [...ready, ...batches.slice(next + 1).flatMap((b) => b.entities)];
          for (const e of unsaved) world.markDirty(e);
          throw err;
        } finally {
          this.settled(batches[next]!);
        }
        outcomes.forEach((o, k) => this.settle(ready[k]!, o, result));
      }
    } finally {
      // The batches a failure left unsaved are no longer in flight.
      for (const rest of batches.slice(next + 1)) this.settled(rest);
      this.count(result, claimFailures.length);
    }
    if (claimFailures.length > 0) throw claimFailures[0];
    return result;
  }

  // Adds what a save did, however it ended, to the running totals.
  private count(result: FlushResult, claimFailures: number): void {
    this.counters.saved += result.saved;
    this.counters.conflicts += result.conflicts;
    this.counters.lost += result.lost;
    this.counters.failed += claimFailures;
  }

  // A batch is no longer in flight: the saves of its entities waiting for it may start.
  private settled(batch: SaveBatch): void {
    for (const e of batch.entities) if (this.saving.get(e) === batch.running) this.saving.delete(e);
    batch.done();
  }

  // An entity made here (not loaded) is claimed before its first save, each on its own: one held
  // elsewhere is lost, one the store failed to claim stays dirty, and the others are saved. One
  // created under the claim of a load that found nothing is tied to that claim now. One destroyed
  // before its batch came (an earlier batch was awaited) or while its claim was awaited is not
  // saved, and a claim made for it here is let go.
  private async claimNew(type: string, batch: Entity[], result: FlushResult, failures: unknown[]): Promise<Entity[]> {
    const { world, logger } = this.options;
    const live = batch.filter((e) => e.alive);
    const ids = live.map((e) => e.id);
    const claimed = await Promise.allSettled(ids.map(async (id) => (this.claims.has(id) ? false : (await this.claims.claim(type, id), true))));
    const ready: Entity[] = [];
    claimed.forEach((c, k) => {
      const e = live[k]!;
      const id = ids[k]!;
      if (!e.alive) {
        if (c.status === 'fulfilled' && c.value) this.letGo(id);
      } else if (c.status === 'fulfilled') {
        this.claims.attach(e);
        ready.push(e);
      } else if (c.reason instanceof OwnershipHeldError) {
        this.lose(e, 'another owner holds its id', { unsaved: true });
        result.lost++;
      } else {
        logger.warn('entity not claimed; kept dirty for the next flush', { err: c.reason, entityId: id, type });
        world.markDirty(e);
        failures.push(c.reason);
      }
    });
    return ready;
  }

  // What a save's outcome means for its entity.
  private settle(entity: Entity, o: SaveOutcome, result: FlushResult): void {
    const unanswered = this.unanswered.get(entity);
    this.unanswered.delete(entity);
    if (o.ok) {
      entity.version = o.version;
      result.saved++;
      return;
    }
    // Destroyed while its save was in flight: whatever the store holds now is not this world's concern.
    if (!entity.alive) return;
    const epoch = this.claims.epochOf(entity.id);
    const actualEpoch = o.actualEpoch ?? 0;
    const fields = { entityId: entity.id, type: entity.typeName, expectedVersion: o.expectedVersion, actualVersion: o.actualVersion, epoch, actualEpoch };
    if (epoch === undefined) {
      // Its claim lapsed while the save was in flight: whether another owner took over is
      // decided when the claim is taken again; until then it stays dirty.
      this.options.world.markDirty(entity);
      return;
    }
    if (isClaimLost(o, epoch)) {
      this.lose(entity, `the document is under epoch ${actualEpoch} now`, { unsaved: true });
      result.lost++;
      return;
    }
    if (o.actualVersion === undefined) {
      result.conflicts++;
      this.options.world.markDirty(entity);
      this.options.logger.warn('entity save conflict: another write of the document is in flight; retried', fields);
      return;
    }
    // Only an earlier save of this entity whose answer was lost, at this same version, may have
    // moved the document to the next one under this claim: the store holds our own state.
    if (actualEpoch === epoch && unanswered === o.expectedVersion && o.actualVersion === o.expectedVersion + 1) {
      result.conflicts++;
      this.options.world.markDirty(entity);
      entity.version = o.actualVersion;
      this.options.logger.warn('entity save conflict with its own earlier save; retried at the stored version', fields);
      return;
    }
    // Written outside this claim (a tool, a deletion), or an entity spawned with the id of a
    // stored document: the document is not what this world believes, and is left as it is.
    this.options.logger.error('entity save conflict: the document was written outside its claim', fields);
    this.lose(entity, 'the document was written outside its claim', { unsaved: true, release: true });
    result.lost++;
  }

  // Releases the claim on `id` in the store; close() waits for it.
  private letGo(id: string): void {
    const released = this.claims.release(id);
    this.releasing.add(released);
    void released.finally(() => this.releasing.delete(released));
  }

  // Never saved again: the store has another owner's state, or state this world did not see.
  // `unsaved`: it had changes to save (a save in progress took it out of the dirty set).
  private lose(entity: Entity, reason: string, how: { unsaved?: boolean; release?: boolean } = {}): void {
    if (!entity.alive) return;
    const { world, logger } = this.options;
    const { release = false, unsaved = world.isDirty(entity) } = how;
    logger.error('entity ownership lost; its unsaved changes are dropped', { entityId: entity.id, type: entity.typeName, reason, unsaved });
    if (release) this.letGo(entity.id);
    else this.claims.drop(entity.id);
    for (const listener of this.lostListeners) {
      try {
        listener(entity, reason);
      } catch (err) {
        logger.error('ownership-lost listener failed', { err, entityId: entity.id });
      }
    }
    world.destroy(entity);
  }
}

// The stored form of an entity: its persistent fields and, when it has any, its `schedule` timers.
function entityDocument(type: string, entity: Entity): Record<string, unknown> {
  const timers = entity.storedTimers();
  const data: Record<string, unknown> = { type, components: entity.persistentData() };
  if (timers.length > 0) data.timers = timers;
  return data;
}
