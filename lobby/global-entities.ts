/**
 * The game's global entities on one lobby: every lobby runs this, and whichever takes a global
 * first runs its one instance in the cluster. A lobby tries to take each global that has no live
 * owner when its game starts, when a server leaves the cluster, and every `checkIntervalMs`:
 *
 * 1. it claims the entity in the store and loads it (`onLoad` runs), or creates it under that
 *    claim the very first time (`onCreate` runs; saved at once). The store's claim is what makes
 *    the owner exclusive: while another lobby holds it (a dead owner's claim lapses after
 *    `store.claimTtlMs`), the load fails and this lobby tries again later;
 * 2. it claims the global's cluster-wide name (`global:<name>`), which callers look up. When a
 *    dead owner's name is still held (until its lease ends), this lobby steps aside: it saves and
 *    lets go of the entity, and tries again at the next check.
 *
 * Draining lets go of every global this lobby still owns: saved, the store claim given back, then
 * the name, so that another lobby takes it at its next check or when this one leaves the cluster.
 * A draining lobby moves its globals live first (lobby-drain.ts): the lobby it moved one to keeps
 * it at its next look (the load finds it there), and the drain lets go only of what stayed.
 */
import type { Discovery } from '../engine/cluster/discovery.js';
import type { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import type { Entity } from '../engine/ecs/entity.js';
import type { WorldGroup } from '../engine/ecs/world-group.js';
import type { Logger } from '../engine/log/types.js';
import { OwnershipHeldError } from '../engine/persist/errors.js';
import { globalName } from '../engine/rpc/global-proxy.js';
import type { Clock, ClockTimer } from '../engine/timer/clock.js';
import { globalId, type GlobalDefinition } from './check-globals.js';
import type { EntityNames } from './entity-names.js';

/** Time between two looks at the globals' owners (default of {@link GlobalEntitiesOptions.checkIntervalMs}). */
export const GLOBAL_CHECK_INTERVAL_MS = 1_000;

/** What {@link GlobalEntities} needs. */
export interface GlobalEntitiesOptions {
  /** The game's declared globals. */
  globals: Readonly<Record<string, GlobalDefinition>>;
  discovery: Pick<Discovery, 'subscribe' | 'server' | 'resolveName'>;
  /** Claims and releases the globals' names, so that a name goes with its global when it moves to another lobby (entity-migration.ts). */
  names: Pick<EntityNames, 'claim' | 'release'>;
  persistence: Pick<EntityPersistence, 'load' | 'saveAndUnload' | 'releaseClaim'>;
  world: Pick<WorldGroup, 'spawn' | 'find'>;
  /** This lobby's server id, read at each use. */
  serverId(): string;
  clock: Clock;
  logger: Logger;
  /** Time between two looks at the owners (default {@link GLOBAL_CHECK_INTERVAL_MS}). */
  checkIntervalMs?: number;
}

/** Takes, keeps and lets go of the game's global entities on one lobby. */
export class GlobalEntities {
  private readonly owned = new Map<string, Entity>();
  private readonly running = new Map<string, Promise<void>>();
  /** Globals whose store claim another owner still held at this lobby's last try (logged once per wait). */
  private readonly held = new Set<string>();
  private timer: ClockTimer | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: GlobalEntitiesOptions) {}

  /** Tries to take every global without a live owner, then keeps looking. */
  async start(): Promise<void> {
    if (Object.keys(this.options.globals).length === 0) return;
    this.unsubscribe = this.options.discovery.subscribe((event) => {
      if (event.type === 'removed') void this.checkAll();
    });
    this.schedule();
    await this.checkAll();
  }

  /** Looks at every global now, and takes those without a live owner. */
  async checkAll(): Promise<void> {
    await Promise.all(Object.keys(this.options.globals).map((name) => this.check(name)));
  }

  /** Stops looking, and lets go of the globals this lobby owns: each is saved, then its name released. */
  async drain(): Promise<void> {
    this.stop();
    await Promise.all(this.running.values());
    await Promise.all([...this.owned].map(async ([name, entity]) => {
      this.owned.delete(name);
      // Moved to another lobby by the drain: that lobby owns it now.
      if (!entity.alive || this.options.world.find(entity.id) !== entity) return;
      try {
        await this.options.persistence.saveAndUnload(entity);
        await this.options.names.release(globalName(name));
        this.options.logger.info('global let go', { global: name });
      } catch (err) {
        this.options.logger.error('lobby: letting go of a global failed; another lobby takes it once its claims lapse', { global: name, err });
      }
    }));
  }

  /** Stops looking; what this lobby owns stays until the lobby stops. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimer(() => {
      void this.checkAll().finally(() => this.schedule());
    }, this.options.checkIntervalMs ?? GLOBAL_CHECK_INTERVAL_MS);
  }

  // One look at a global at a time; a look asked for while one runs is that one.
  private check(name: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    let pending = this.running.get(name);
    if (!pending) {
      pending = this.look(name)
        .catch((err: unknown) => this.options.logger.warn('lobby: taking a global failed; trying again later', { global: name, err }))
        .finally(() => this.running.delete(name));
      this.running.set(name, pending);
    }
    return pending;
  }

  private async look(name: string): Promise<void> {
    const { discovery, persistence } = this.options;
    const key = globalName(name);
    const me = this.options.serverId();
    const holder = discovery.resolveName(key);
    const mine = this.owned.get(name);
    if (mine) {
      if (mine.alive && holder?.serverId === me) return;
      // Destroyed, or its store claim or its name went to another lobby while this one could not renew them.
      this.owned.delete(name);
      this.options.logger.warn('global lost', { global: name, holder: holder?.serverId });
      if (mine.alive) await persistence.saveAndUnload(mine);
      else {
        // Destroyed by game code, or taken by another owner: a claim still held here is given back.
        await persistence.releaseClaim(globalId(name, this.options.globals[name]!));
        if (holder?.serverId === me) await this.options.names.release(key);
      }
    }
    if (holder && holder.serverId !== me && discovery.server(holder.serverId)) return;
    await this.take(name, key, me);
  }

  private async take(name: string, key: string, me: string): Promise<void> {
    const definition = this.options.globals[name]!;
    const id = globalId(name, definition);
    let entity: Entity | undefined;
    try {
      entity = await this.options.persistence.load(definition.type, id);
    } catch (err) {
      if (!(err instanceof OwnershipHeldError)) throw err;
      if (!this.held.has(name)) this.options.logger.info('global without a live owner, still held in the store; trying again', { global: name, holder: err.owner, until: err.expiresAt });
      this.held.add(name);
      return;
    }
    // The very first time, it is created under the claim the load kept.
    const created = entity === undefined;
    entity ??= this.options.world.spawn(definition.type, { id });
    let named = false;
    try {
      named = !this.stopped && (await this.options.names.claim(key, { serverId: me, entityId: id }));
    } finally {
      if (!named) await this.letGo(entity, id, created);
    }
    if (!named) return;
    this.owned.set(name, entity);
    this.held.delete(name);
    if (created) entity.markDirty({ critical: true });
    this.options.logger.info(created ? 'global created' : 'global taken', { global: name, id });
  }

  // A global never saved is dropped, its claim given back; one loaded is saved and unloaded.
  private async letGo(entity: Entity, id: string, created: boolean): Promise<void> {
    if (!created) return this.options.persistence.saveAndUnload(entity);
    entity.destroy();
    await this.options.persistence.releaseClaim(id);
  }
}
