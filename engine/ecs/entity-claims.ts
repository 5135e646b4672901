/**
 * The ownership claims of one world's entities ({@link Store.claimOwner}): taken before an
 * entity is loaded (or before a new one is first saved), renewed together on an interval from the
 * injected clock, released when the entity is unloaded. A claim counts as lost when the store
 * says so at renewal. When its time runs out on this process's clock before a renewal succeeded
 * (the store is down, or out of reach): counted from the moment the last successful renewal was
 * sent, so that this process stops writing no later than the store would let another one take
 * over, the claim has lapsed: nothing is saved under it, the entity stays with its changes, and
 * each renewal after that claims it again. The new claim is kept only when its epoch follows the
 * lapsed one (no other owner claimed the entity meanwhile); the document's version, which the
 * store's fence moved, is then handed to {@link EntityClaimsOptions.onRetaken}. Otherwise it is lost.
 */
import type { Logger } from '../log/types.js';
import { OwnershipHeldError } from '../persist/errors.js';
import type { OwnerClaim, Store } from '../persist/store.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import type { Entity } from './entity.js';

/** How claims are held. */
export interface ClaimSettings {
  /** Who claims: this process's server id, read at each claim. */
  owner: () => string;
  /** How long a claim lives unless renewed. */
  ttlMs: number;
  /** How often every claim is renewed; less than `ttlMs`. */
  renewIntervalMs: number;
}

interface Held {
  collection: string;
  claim: OwnerClaim;
  /** When this process stops trusting the claim, on its own clock. */
  localExpiry: number;
  /** Its time ran out before a renewal succeeded: nothing is saved under it until it is taken again. */
  lapsed: boolean;
  entity: Entity | undefined;
}

/** What {@link EntityClaims} needs. */
export interface EntityClaimsOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  settings: ClaimSettings;
  /** A claim was lost: the store refused its renewal, or another owner claimed it while it had lapsed. */
  onLost: (id: string, reason: string) => void;
  /**
   * A lapsed claim was taken again with no other owner in between; `version` is the document's
   * version now (the store moved it to the new claim), undefined when there is no document.
   */
  onRetaken: (id: string, version: number | undefined) => void;
}

/** Claims held by one world, by entity id. */
export class EntityClaims {
  private readonly held = new Map<string, Held>();
  private timer: ClockTimer | undefined;
  /** Releases of claims of destroyed entities, started by a renewal. */
  private readonly releasing = new Set<Promise<void>>();
  private renewing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: EntityClaimsOptions) {}

  /** Claims held. */
  get size(): number {
    return this.held.size;
  }

  /** The epoch of the claim on `id`, while it is held and its time has not run out here. */
  epochOf(id: string): number | undefined {
    const held = this.held.get(id);
    return held && !held.lapsed && held.localExpiry > this.options.clock.now() ? held.claim.epoch : undefined;
  }

  /** The ids of the claims held. */
  ids(): string[] {
    return [...this.held.keys()];
  }

  /** Whether a claim on `id` is held (it may have run out: see {@link epochOf}). */
  has(id: string): boolean {
    return this.held.has(id);
  }

  /**
   * Claims document `id` of `collection` for this process.
   * @throws OwnershipHeldError while another claim lives; StoreError when the store fails.
   */
  async claim(collection: string, id: string): Promise<void> {
    const { store, clock, settings } = this.options;
    const sent = clock.now();
    const claim = await store.claimOwner(collection, id, settings.owner(), settings.ttlMs);
    this.held.set(id, { collection, claim, localExpiry: sent + settings.ttlMs, lapsed: false, entity: undefined });
    this.schedule();
  }

  /** Ties the claim on `entity.id` to the entity: once it is destroyed, the claim is released. */
  attach(entity: Entity): void {
    const held = this.held.get(entity.id);
    if (held) held.entity = entity;
  }

  /** Forgets the claim on `id` without telling the store (it is lost already). */
  drop(id: string): void {
    this.held.delete(id);
  }

  /**
   * Releases the claim on `id`, so that another process may claim it at once; a failure is logged
   * (it lapses). A renewal in flight may still be writing the claim's expiry (a server whose
   * conditional update reads and then writes, as FerretDB v1's does, would write it back over
   * the release), so the release waits for it; renewals after it leave the claim out.
   */
  async release(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return;
    this.held.delete(id);
    await this.renewing;
    await this.giveBack(id, held);
  }

  /** Renews every claim now (the interval does this on its own); claims of destroyed entities are released. */
  renewNow(): Promise<void> {
    this.renewing ??= this.renewAll().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /** Stops renewing and waits for releases in flight; claims still held lapse after their time unless released. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    await this.renewing;
    await Promise.allSettled(this.releasing);
  }

  private track(release: Promise<void>): void {
    this.releasing.add(release);
    void release.finally(() => this.releasing.delete(release));
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = this.options.clock.setTimer(() => {
      this.timer = undefined;
      // Checked whatever the renewal does: one that hangs must not keep a claim alive here.
      this.expireOverdue();
      void this.renewNow().finally(() => {
        if (this.held.size > 0) this.schedule();
      });
    }, this.options.settings.renewIntervalMs);
  }

  private async renewAll(): Promise<void> {
    const { store, clock, logger, settings } = this.options;
    const byCollection = new Map<string, Held[]>();
    const lapsed: Held[] = [];
    for (const [id, held] of this.held) {
      if (held.entity && !held.entity.alive) {
        // Given back alongside the renewal, never before it: in an outage a release waits out the
        // store's retries, and renewals held up behind it would let every other claim lapse.
        this.held.delete(id);
        this.track(this.giveBack(id, held));
        continue;
      }
      if (held.lapsed) {
        lapsed.push(held);
        continue;
      }
      const group = byCollection.get(held.collection);
      if (group) group.push(held);
      else byCollection.set(held.collection, [held]);
    }
    for (const [collection, group] of byCollection) {
      const sent = clock.now();
      try {
        const lost = new Set(await store.renewOwners(collection, group.map((h) => h.claim), settings.ttlMs));
        for (const held of group) {
          if (this.held.get(held.claim.id) !== held) continue;
          if (lost.has(held.claim.id)) this.lose(held, 'the store no longer holds the claim (it lapsed or was taken over)');
          else held.localExpiry = sent + settings.ttlMs;
        }
      } catch (err) {
        logger.warn('ownership claims not renewed; retried at the next interval', { err, collection, claims: group.length });
        this.expireOverdue();
      }
    }
    for (const held of lapsed) await this.retake(held);
  }

  // A lapsed claim that the store still holds live is renewed. One that lapsed there too is
  // claimed again, kept when no other owner claimed it in between, and then the version the
  // store's fence gave the document is read. A claim taken at an earlier try whose document could
  // not be read then is only read, while it lives.
  private async retake(held: Held): Promise<void> {
    const { store, clock, logger, settings } = this.options;
    const { id } = held.claim;
    if (held.localExpiry <= clock.now()) {
      const sent = clock.now();
      let claim: OwnerClaim;
      try {
        const lost = await store.renewOwners(held.collection, [held.claim], settings.ttlMs);
        if (this.held.get(id) !== held) return;
        if (lost.length === 0) {
          held.localExpiry = sent + settings.ttlMs;
          held.lapsed = false;
          logger.info('lapsed ownership claim renewed; saving resumes', { entityId: id, epoch: held.claim.epoch });
          return;
        }
        claim = await store.claimOwner(held.collection, id, settings.owner(), settings.ttlMs);
      } catch (err) {
        if (this.held.get(id) !== held) return;
        if (err instanceof OwnershipHeldError) this.lose(held, 'another owner claimed it while its claim had lapsed');
        else logger.warn('lapsed ownership claim not taken again; retried at the next interval', { err, entityId: id });
        return;
      }
      const previous = held.claim.epoch;
      if (this.held.get(id) !== held || claim.epoch !== previous + 1) {
        await this.giveBack(id, { ...held, claim });
        if (this.held.get(id) === held) this.lose(held, `another owner claimed it while its claim had lapsed (epoch ${claim.epoch} follows ${previous})`);
        return;
      }
      held.claim = claim;
      held.localExpiry = sent + settings.ttlMs;
    }
    let version: number | undefined;
    try {
      version = (await store.load(held.collection, id))?.version;
    } catch (err) {
      logger.warn('lapsed ownership claim taken again but its document not read; retried at the next interval', { err, entityId: id });
      return;
    }
    if (this.held.get(id) !== held) return;
    held.lapsed = false;
    logger.info('lapsed ownership claim taken again; saving resumes', { entityId: id, epoch: held.claim.epoch });
    this.options.onRetaken(id, version);
  }

  private async giveBack(id: string, held: Held): Promise<void> {
    await this.options.store
      .releaseOwner(held.collection, held.claim)
      .catch((err: unknown) => this.options.logger.warn('ownership claim not released; it lapses', { err, entityId: id }));
  }

  private expireOverdue(): void {
    const now = this.options.clock.now();
    let count = 0;
    for (const held of this.held.values()) {
      if (held.lapsed || held.localExpiry > now) continue;
      held.lapsed = true;
      count++;
    }
    if (count > 0) this.options.logger.warn('ownership claims lapsed before a renewal succeeded; their entities are kept and nothing is saved under them until they are claimed again', { claims: count });
  }

  private lose(held: Held, reason: string): void {
    this.held.delete(held.claim.id);
    this.options.onLost(held.claim.id, reason);
  }
}
