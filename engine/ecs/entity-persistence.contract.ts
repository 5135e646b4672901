/**
 * The entity persistence tests, run against each store backend by the test files beside it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OwnershipHeldError } from '../persist/errors.js';
import { OutageStore } from '../persist/fixtures/outage-store.js';
import type { Store } from '../persist/store.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Component } from './component.js';
import { Entity } from './entity.js';
import { EntityPersistence } from './entity-persistence.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';

class Wallet extends Component {
  static override persist = ['gold', 'items'];
  static override serverCallable = ['pay'];
  gold = 0;
  items: string[] = [];
  transient = 'not saved';
  pay(amount: number): void {
    this.gold -= amount;
  }
}
class Stats extends Component {
  static override hot = { hp: 'u16', x: 'f32' } as const;
  static override persist = ['hp', 'x'];
  declare hp: number;
  declare x: number;
}
class Ranger extends Entity {
  static override components = [Stats];
}
class Avatar extends Entity {
  static override components = [Wallet];
  loaded = false;
  override onLoad(): void {
    this.loaded = true;
  }
  reward(gold: number): void {
    this.get(Wallet).gold += gold;
  }
}

// Lets queued timer callbacks run.
const turns = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let nextOwner = 0;

function setup(store: Store) {
  const registry = new EntityRegistry().register('Avatar', Avatar).register('Ranger', Ranger);
  const logger = new MemoryLogger();
  const clock = new ManualClock();
  const world = new World({ logger, clock, registry });
  const persistence = new EntityPersistence({ world, registry, store, logger, clock, owner: `lobby-${nextOwner++}`, batchSize: 100, claimTtlMs: 30_000, claimRenewMs: 10_000 });
  return { world, logger, clock, persistence };
}

/** Registers the entity persistence tests for one backend. */
export function describeEntityPersistence(label: string, openStore: () => Promise<Store>): void {
  describe(`Entity persistence (${label})`, () => {
    const stores: Store[] = [];
    const store = async (): Promise<Store> => {
      const s = await openStore();
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of stores) await s.close();
    });

    it('saves the persistent fields and loads them back into a new world, calling onLoad', async () => {
      const s = await store();
      const first = setup(s);
      const avatar = first.world.spawn(Avatar);
      const wallet = avatar.get(Wallet);
      wallet.gold = 42;
      wallet.items.push('sword');
      wallet.markDirty();
      wallet.transient = 'changed';
      expect(await first.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect(avatar.version).toBe(1);
      const { id } = avatar;
      await first.persistence.unload(avatar);

      const second = setup(s);
      const loaded = (await second.persistence.load('Avatar', id)) as Avatar;
      expect(loaded.loaded).toBe(true);
      // Claiming it moved the document to a version under the new owner's epoch.
      expect(loaded.version).toBe(2);
      expect(loaded.get(Wallet)).toMatchObject({ gold: 42, items: ['sword'], transient: 'not saved' });
      expect(second.world.isDirty(loaded)).toBe(false);
      expect(await second.persistence.load('Avatar', 'nobody')).toBeUndefined();
    });

    it('saves hot persistent fields and loads them back into the typed arrays of the new world', async () => {
      const s = await store();
      const first = setup(s);
      const ranger = first.world.spawn(Ranger);
      await first.persistence.flushDirty();
      expect(first.world.isDirty(ranger)).toBe(false);
      ranger.get(Stats).hp = 470;
      expect(first.world.isDirty(ranger)).toBe(true);
      // A system's write to the typed array is saved with the entity's next save.
      first.world.hot(Stats).x[ranger.eid] = 12.5;
      expect(await first.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      const { id } = ranger;
      await first.persistence.unload(ranger);

      const second = setup(s);
      second.world.spawn(Ranger);
      const loaded = (await second.persistence.load('Ranger', id)) as Ranger;
      expect(second.world.isDirty(loaded)).toBe(false);
      expect(second.world.hot(Stats).hp[loaded.eid]).toBe(470);
      expect(second.world.hot(Stats).x[loaded.eid]).toBe(12.5);
      expect(loaded.get(Stats)).toMatchObject({ hp: 470, x: 12.5 });
    });

    it('refuses a stored hot field that is not a finite number', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      await s.save('Ranger', { id: 'bad-hot', data: { type: 'Ranger', components: { Stats: { hp: 'lots' } } }, expectedVersion: 0 });
      await expect(persistence.load('Ranger', 'bad-hot')).rejects.toThrow('Ranger/bad-hot: components.Stats.hp holds string, expected a finite number (a hot field)');
      expect(world.entityCount).toBe(0);
    });

    it('marks an entity dirty when a persistent field is assigned, and saves dirty entities in batches', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      const avatars = Array.from({ length: 250 }, () => world.spawn(Avatar));
      expect(await persistence.flushDirty()).toEqual({ saved: 250, conflicts: 0, lost: 0 });
      expect(await persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 0 });
      avatars[7]!.get(Wallet).gold = 5;
      avatars[9]!.get(Wallet).transient = 'x';
      expect(world.isDirty(avatars[7]!)).toBe(true);
      expect(world.isDirty(avatars[9]!)).toBe(false);
      expect(await persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect((await s.load('Avatar', avatars[7]!.id))?.data).toEqual({ type: 'Avatar', components: { Wallet: { gold: 5, items: [] } } });
    });

    it('saves a critical change at once', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      const avatar = world.spawn(Avatar);
      await persistence.flushDirty();
      avatar.get(Wallet).gold = 1_000;
      avatar.markDirty({ critical: true });
      await persistence.idle();
      expect(avatar.version).toBe(2);
      expect((await s.load('Avatar', avatar.id))?.data).toMatchObject({ components: { Wallet: { gold: 1_000 } } });
      expect(world.isDirty(avatar)).toBe(false);
    });

    it('keeps a change made while a critical save is in flight for the next flush, without a conflict', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      const avatar = world.spawn(Avatar);
      await persistence.flushDirty();
      avatar.get(Wallet).gold = 10;
      avatar.markDirty({ critical: true });
      await Promise.resolve(); // the critical save starts a turn later
      avatar.get(Wallet).gold = 20;
      expect(await persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 0 });
      await persistence.idle();
      expect(avatar.version).toBe(2);
      expect(await persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect((await s.load('Avatar', avatar.id))?.data).toMatchObject({ components: { Wallet: { gold: 20 } } });
    });

    it('saves a new entity critically only after the flush that took it, never both at version 0', async () => {
      const s = new OutageStore(await store());
      const { world, logger, persistence } = setup(s);
      // A new avatar, created under the claim of a load that found nothing (as a lobby does), in
      // the second batch of a flush: the first (a ranger's) is held in the store.
      world.spawn(Ranger);
      const id = `fresh-${label}-${nextOwner}`;
      expect(await persistence.load('Avatar', id)).toBeUndefined();
      const avatar = world.spawn(Avatar, { id });
      const rangers = s.hold('Ranger');
      const avatars = s.hold('Avatar');
      const flush = persistence.flushDirty();
      await rangers.arrival(1);
      avatar.get(Wallet).gold = 7;
      avatar.markDirty({ critical: true });
      await turns();
      await turns();
      const early = avatars.arrived;
      rangers.release();
      await avatars.arrival(early + 1);
      avatars.release();
      expect(await flush).toEqual({ saved: 2, conflicts: 0, lost: 0 });
      expect(await persistence.criticalSaved(avatar)).toBe(true);
      expect(early).toBe(0);
      expect(avatar.alive).toBe(true);
      expect(logger.at('error')).toEqual([]);
      expect(await s.load('Avatar', id)).toMatchObject({ version: 2, data: { components: { Wallet: { gold: 7 } } } });
    });

    it('skips a new entity destroyed while an earlier batch of its flush was in flight, and claims nothing for it', async () => {
      const s = new OutageStore(await store());
      const { world, logger, persistence } = setup(s);
      world.spawn(Ranger);
      const doomed = world.spawn(Avatar);
      const { id } = doomed;
      const kept = world.spawn(Avatar);
      const rangers = s.hold('Ranger');
      const flush = persistence.flushDirty();
      await rangers.arrival(1);
      world.destroy(doomed);
      rangers.release();
      expect(await flush).toEqual({ saved: 2, conflicts: 0, lost: 0 });
      expect(logger.at('error')).toEqual([]);
      expect(await s.load('Avatar', id)).toBeUndefined();
      expect(await s.load('Avatar', kept.id)).toMatchObject({ version: 1 });
      // Its id was never claimed: another world takes it at once.
      const other = setup(s);
      expect(await other.persistence.load('Avatar', id)).toBeUndefined();
    });

    it('keeps every unsaved entity dirty when a flush fails', async () => {
      const s = await openStore();
      const { world, persistence } = setup(s);
      const avatars = Array.from({ length: 150 }, () => world.spawn(Avatar));
      await s.close();
      await expect(persistence.flushDirty()).rejects.toThrow(/STORE_ERR_CLOSED/);
      expect(avatars.every((a) => world.isDirty(a))).toBe(true);
      // None could be claimed: each counts as a failed save.
      expect(persistence.stats()).toMatchObject({ saved: 0, failed: 150 });
    });

    it('returns one entity to two loads of the same id at once', async () => {
      const s = await store();
      const a = setup(s);
      const { id } = a.world.spawn(Avatar);
      await a.persistence.flushDirty();
      await a.persistence.unload(a.world.find(id)!);
      const b = setup(s);
      const [x, y] = await Promise.all([b.persistence.load('Avatar', id), b.persistence.load('Avatar', id)]);
      expect(x).toBe(y);
      expect(b.world.entityCount).toBe(1);
    });

    it('refuses to load an entity another world owns, until that world unloads it', async () => {
      const s = await store();
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      const b = setup(s);
      const err = await b.persistence.load('Avatar', id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OwnershipHeldError);
      expect(b.world.entityCount).toBe(0);
      await a.persistence.unload(avatar);
      expect((await b.persistence.load('Avatar', id))?.id).toBe(id);
    });

    it('stops saving an entity whose claim another world took over, logs it and takes it out', async () => {
      const s = await store();
      const a = setup(s);
      const lost: string[] = [];
      a.persistence.onOwnershipLost((entity, reason) => lost.push(`${entity.id}: ${reason}`));
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      // The claim lapses in the store (a partition: no renewal got through), and b takes over.
      await s.releaseOwner('Avatar', { id, epoch: 1 });
      const b = setup(s);
      const copy = (await b.persistence.load('Avatar', id))!;
      copy.get(Wallet).gold = 1;
      await b.persistence.flushDirty();
      avatar.get(Wallet).gold = 2;
      expect(await a.persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 1 });
      expect(avatar.alive).toBe(false);
      expect(lost).toEqual([`${id}: the document is under epoch 2 now`]);
      expect(a.logger.at('error')[0]).toMatchObject({ message: 'entity ownership lost; its unsaved changes are dropped', meta: { entityId: id } });
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 1 } } });
    });

    it('takes the stored version and saves again when its own earlier save landed unseen', async () => {
      const s = new OutageStore(await store());
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      await a.persistence.flushDirty();
      // A save under this claim that lands but whose answer never comes back.
      avatar.get(Wallet).gold = 5;
      s.answersLost = true;
      await expect(a.persistence.flushDirty()).rejects.toThrow(/STORE_ERR_UNAVAILABLE/);
      s.answersLost = false;
      avatar.get(Wallet).gold = 6;
      expect(await a.persistence.flushDirty()).toEqual({ saved: 0, conflicts: 1, lost: 0 });
      expect(a.world.isDirty(avatar)).toBe(true);
      expect(avatar.version).toBe(2);
      expect(await a.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect(await s.load('Avatar', avatar.id)).toMatchObject({ version: 3, data: { components: { Wallet: { gold: 6 } } } });
      // Its totals, for metrics: the first and last saves, the one whose answer was lost, the conflict.
      expect(a.persistence.stats()).toEqual({ saved: 2, failed: 1, conflicts: 1, lost: 0 });
    });

    it('never overwrites a stored document with a new entity spawned under its id: the entity is lost', async () => {
      const s = await store();
      const a = setup(s);
      const stored = a.world.spawn(Avatar);
      const { id } = stored;
      stored.get(Wallet).gold = 42;
      await a.persistence.flushDirty();
      await a.persistence.unload(stored);
      const b = setup(s);
      const lost: string[] = [];
      b.persistence.onOwnershipLost((entity, reason) => lost.push(`${entity.id}: ${reason}`));
      const fresh = b.world.spawn(Avatar, { id });
      expect(await b.persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 1 });
      expect(b.persistence.stats()).toEqual({ saved: 0, failed: 0, conflicts: 0, lost: 1 });
      expect(fresh.alive).toBe(false);
      expect(lost).toEqual([`${id}: the document was written outside its claim`]);
      expect(b.logger.at('error')[0]).toMatchObject({ message: 'entity save conflict: the document was written outside its claim', meta: { entityId: id, expectedVersion: 0 } });
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 42 } } });
      // Its claim is given back: the stored entity can be loaded as it was.
      await b.persistence.idle();
      const c = setup(s);
      expect((await c.persistence.load('Avatar', id))?.get(Wallet).gold).toBe(42);
    });

    it('saves the other new entities of a flush when one has an id another world holds', async () => {
      const s = await store();
      const a = setup(s);
      const held = a.world.spawn(Avatar);
      await a.persistence.flushDirty();
      const b = setup(s);
      const lost: string[] = [];
      b.persistence.onOwnershipLost((entity, reason) => lost.push(`${entity.id}: ${reason}`));
      const clash = b.world.spawn(Avatar, { id: held.id });
      const others = [b.world.spawn(Avatar), b.world.spawn(Avatar)];
      expect(await b.persistence.flushDirty()).toEqual({ saved: 2, conflicts: 0, lost: 1 });
      expect(clash.alive).toBe(false);
      expect(lost).toEqual([`${held.id}: another owner holds its id`]);
      expect(others.map((o) => o.version)).toEqual([1, 1]);
      // Later flushes go on saving.
      others[0]!.get(Wallet).gold = 3;
      expect(await b.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
    });

    it('renews the claims of live entities while the release of a destroyed one hangs', async () => {
      const inner = await store();
      const s = new OutageStore(inner);
      const a = setup(s);
      const gone = a.world.spawn(Avatar);
      const kept = a.world.spawn(Avatar);
      await a.persistence.flushDirty();
      let finish!: () => void;
      const hung = new Promise<void>((resolve) => (finish = resolve));
      s.releaseOwner = async (c, claim) => {
        await hung;
        return inner.releaseOwner(c, claim);
      };
      a.world.destroy(gone);
      // The renewal interval (10 s) passes: one renewal runs, and releases the destroyed entity's claim.
      a.clock.advance(15_000);
      await a.persistence.renewClaims();
      // Past the time of the first claims (30 s), the renewed one still saves.
      a.clock.advance(20_000);
      kept.get(Wallet).gold = 4;
      expect(await a.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      finish();
      await a.persistence.close();
    });

    it('gives a claim back after the renewal in flight, which could otherwise write its time back over the release', async () => {
      const inner = await store();
      const s = new OutageStore(inner);
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      let finish!: () => void;
      const hung = new Promise<void>((resolve) => (finish = resolve));
      const order: string[] = [];
      s.renewOwners = async (c, claims, ttlMs) => {
        await hung;
        const lost = await inner.renewOwners(c, claims, ttlMs);
        order.push('renewed');
        return lost;
      };
      s.releaseOwner = async (c, claim) => {
        order.push('released');
        return inner.releaseOwner(c, claim);
      };
      const renewal = a.persistence.renewClaims();
      const unloaded = a.persistence.unload(avatar);
      await turns();
      expect(order).toEqual([]);
      finish();
      await Promise.all([renewal, unloaded]);
      expect(order).toEqual(['renewed', 'released']);
      // Given back for good: another world loads it at once.
      const b = setup(s);
      expect((await b.persistence.load('Avatar', id))?.id).toBe(id);
      await a.persistence.close();
      await b.persistence.close();
    });

    it('stops writing an entity whose document was written outside its claim, and gives the claim back', async () => {
      const s = await store();
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      // A tool that ignores claims writes the document without an epoch.
      await s.save('Avatar', { id, data: { type: 'Avatar', components: { Wallet: { gold: 500, items: [] } } }, expectedVersion: 1 });
      avatar.get(Wallet).gold = 7;
      expect(await a.persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 1 });
      expect(avatar.alive).toBe(false);
      expect(a.logger.at('error').map((l) => l.message)).toEqual([
        'entity save conflict: the document was written outside its claim',
        'entity ownership lost; its unsaved changes are dropped',
      ]);
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 500 } } });
      await a.persistence.idle();
      const b = setup(s);
      expect((await b.persistence.load('Avatar', id))?.get(Wallet).gold).toBe(500);
    });

    // An outage longer than a claim lives: the renewals fail while the claim's time runs out here.
    const lapse = async (a: ReturnType<typeof setup>, s: OutageStore) => {
      s.down = true;
      a.clock.advance(29_999);
      await a.persistence.renewClaims();
      expect(a.logger.at('warn').map((l) => l.message)).toContain('ownership claims not renewed; retried at the next interval');
      a.clock.advance(1);
      await a.persistence.renewClaims();
      expect(a.logger.at('warn').map((l) => l.message)).toContain('ownership claims lapsed before a renewal succeeded; their entities are kept and nothing is saved under them until they are claimed again');
    };

    it('keeps an entity whose claim lapsed in an outage, saves nothing under it, and saves it once the store renews the claim', async () => {
      const s = new OutageStore(await store());
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      avatar.get(Wallet).gold = 9;
      await lapse(a, s);
      s.down = false;
      const attempts = s.attempts;
      // Nothing is written under a lapsed claim, even with the store back.
      expect(await a.persistence.flushDirty()).toEqual({ saved: 0, conflicts: 0, lost: 0 });
      expect(s.attempts).toBe(attempts);
      expect(avatar.alive).toBe(true);
      expect(a.world.isDirty(avatar)).toBe(true);
      // The store still holds the claim: it is renewed, and saving resumes.
      await a.persistence.renewClaims();
      expect(a.logger.at('info').map((l) => l.message)).toContain('lapsed ownership claim renewed; saving resumes');
      expect(await a.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 9 } } });
      expect(a.logger.at('error')).toEqual([]);
    });

    it('claims a lapsed claim again when no other owner came, and saves at the version the store moved the document to', async () => {
      const inner = await store();
      const s = new OutageStore(inner);
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      avatar.get(Wallet).gold = 9;
      await lapse(a, s);
      // The claim lapsed in the store too.
      await inner.releaseOwner('Avatar', { id, epoch: 1 });
      s.down = false;
      await a.persistence.renewClaims();
      expect(a.logger.at('info').map((l) => l.message)).toContain('lapsed ownership claim taken again; saving resumes');
      expect(await a.persistence.flushDirty()).toEqual({ saved: 1, conflicts: 0, lost: 0 });
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 9 } } });
      expect(a.logger.at('error')).toEqual([]);
    });

    it('drops an entity whose lapsed claim another world took meanwhile, whether it still holds it or not', async () => {
      const inner = await store();
      const s = new OutageStore(inner);
      const a = setup(s);
      const lost: string[] = [];
      a.persistence.onOwnershipLost((entity, reason) => lost.push(`${entity.id}: ${reason}`));
      const held = a.world.spawn(Avatar);
      const gone = a.world.spawn(Avatar);
      const [heldId, goneId] = [held.id, gone.id];
      await a.persistence.flushDirty();
      held.get(Wallet).gold = 9;
      gone.get(Wallet).gold = 9;
      await lapse(a, s);
      await inner.releaseOwner('Avatar', { id: heldId, epoch: 1 });
      await inner.releaseOwner('Avatar', { id: goneId, epoch: 1 });
      // b takes both over, changes them, and gives one back.
      const b = setup(inner);
      for (const id of [heldId, goneId]) (await b.persistence.load('Avatar', id))!.get(Wallet).gold = 1;
      await b.persistence.flushDirty();
      await b.persistence.unload(b.world.find(goneId)!);
      s.down = false;
      await a.persistence.renewClaims();
      expect(held.alive).toBe(false);
      expect(gone.alive).toBe(false);
      expect(lost.sort()).toEqual([`${heldId}: another owner claimed it while its claim had lapsed`, `${goneId}: another owner claimed it while its claim had lapsed (epoch 3 follows 1)`].sort());
      for (const id of [heldId, goneId]) expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 1 } } });
      // The claim taken to find out was given back: another world loads the one b let go at once.
      expect((await setup(inner).persistence.load('Avatar', goneId))?.get(Wallet).gold).toBe(1);
    });

    it('saves schedule timers with the entity, and fires one that fell due while it was unloaded right after the load', async () => {
      const s = await store();
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      avatar.timers.schedule(1_000, 'reward', 7);
      avatar.timers.schedule(20_000, 'reward', 100);
      avatar.timers.after(1_000, () => avatar.reward(1_000));
      await a.persistence.flushDirty();
      const start = a.clock.now();
      expect((await s.load('Avatar', id))?.data['timers']).toEqual([
        { at: start + 1_000, method: 'reward', args: [7] },
        { at: start + 20_000, method: 'reward', args: [100] },
      ]);
      await a.persistence.unload(avatar);

      const b = setup(s);
      b.clock.advance(5_000);
      const loaded = (await b.persistence.load('Avatar', id)) as Avatar;
      b.clock.advance(0);
      await turns();
      expect(loaded.get(Wallet).gold).toBe(7);
      expect(loaded.timers.size).toBe(1);
      await b.persistence.flushDirty();
      expect((await s.load('Avatar', id))?.data['timers']).toEqual([{ at: start + 20_000, method: 'reward', args: [100] }]);
      b.clock.advance(15_000);
      await turns();
      expect(loaded.get(Wallet).gold).toBe(107);
      expect(await b.persistence.flushDirty()).toMatchObject({ saved: 1 });
      expect((await s.load('Avatar', id))?.data).not.toHaveProperty('timers');
    });

    it('refuses a stored timer that is not { at, method, args }', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      await s.save('Avatar', { id: 'bad-timer', data: { type: 'Avatar', components: {}, timers: [{ at: 'soon', method: 'reward', args: [] }] }, expectedVersion: 0 });
      await expect(persistence.load('Avatar', 'bad-timer')).rejects.toThrow('Avatar/bad-timer: timers[0] is not { at: number, method: string, args: array }');
      expect(world.entityCount).toBe(0);
    });

    it('saves an entity and unloads it, or keeps it loaded, dirty and claimed when the save fails', async () => {
      const s = new OutageStore(await store());
      const a = setup(s);
      const avatar = a.world.spawn(Avatar);
      const { id } = avatar;
      await a.persistence.flushDirty();
      avatar.get(Wallet).gold = 12;
      s.down = true;
      await expect(a.persistence.saveAndUnload(avatar)).rejects.toThrow(/was not unloaded: its save failed/);
      expect(avatar.alive).toBe(true);
      expect(a.world.isDirty(avatar)).toBe(true);
      expect(a.persistence.claimCount).toBe(1);
      s.down = false;
      await a.persistence.saveAndUnload(avatar);
      expect(avatar.alive).toBe(false);
      expect(a.persistence.claimCount).toBe(0);
      expect((await s.load('Avatar', id))?.data).toMatchObject({ components: { Wallet: { gold: 12 } } });
    });

    it('refuses an unknown type or a corrupted document with a clear error and leaves the world unchanged', async () => {
      const s = await store();
      const { world, persistence } = setup(s);
      await expect(persistence.load('Dragon', 'x')).rejects.toThrow('unknown entity type "Dragon"');
      await s.save('Avatar', { id: 'bad-gold', data: { type: 'Avatar', components: { Wallet: { gold: 'lots' } } }, expectedVersion: 0 });
      await s.save('Avatar', { id: 'bad-type', data: { type: 'Room', components: {} }, expectedVersion: 0 });
      await s.save('Avatar', { id: 'bad-shape', data: { type: 'Avatar', components: [1, 2] }, expectedVersion: 0 });
      await expect(persistence.load('Avatar', 'bad-gold')).rejects.toThrow('Avatar/bad-gold: components.Wallet.gold holds string, expected number');
      await expect(persistence.load('Avatar', 'bad-type')).rejects.toThrow(/stored as type "Room"/);
      await expect(persistence.load('Avatar', 'bad-shape')).rejects.toThrow(/components is not an object/);
      expect(world.entityCount).toBe(0);
    });
  });
}
