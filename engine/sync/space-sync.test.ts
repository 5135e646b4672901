import { describe, expect, it } from 'vitest';
import { Component } from '../ecs/component.js';
import { Entity } from '../ecs/entity.js';
import { EntityRegistry } from '../ecs/entity-registry.js';
import { World } from '../ecs/world.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Banner, Gauges, Health, Hero, Mob, Position, Purse, Rock, Score, syncRegistry, Tag } from './fixtures/sync-entities.js';
import { dequantize, quantize } from './quantize.js';
import { SpaceSync, type SyncObserver } from './space-sync.js';
import { SyncDecoder } from './sync-decoder.js';
import type { SyncMessage, SyncValues } from './sync-message.js';
import { SyncSchema } from './sync-schema.js';

const SPACE = { id: 'field@lobby-1', type: 'field', tickHz: 20 };

function setup() {
  const registry = syncRegistry();
  const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry });
  const sync = new SpaceSync({ world, schema: new SyncSchema(registry), space: SPACE, interest: Position });
  return { world, sync };
}

/** A seeded random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface MirrorEntity {
  id: string;
  type: string;
  net: number;
  values: SyncValues;
}

/** The reference client: applies decoded messages as the world mirror does (leaves, enters, changes). */
class Mirror {
  readonly byNet = new Map<number, MirrorEntity>();
  apply(m: SyncMessage): void {
    if (m.snapshot) this.byNet.clear();
    for (const net of m.leave) {
      expect(this.byNet.has(net), `leave of unknown net ${net}`).toBe(true);
      this.byNet.delete(net);
    }
    for (const e of m.enter) {
      expect(this.byNet.has(e.net), `enter of known net ${e.net}`).toBe(false);
      this.byNet.set(e.net, { id: e.id, type: e.type, net: e.net, values: structuredClone(e.values) });
    }
    for (const c of m.change) {
      const entity = this.byNet.get(c.net);
      expect(entity, `change of unknown net ${c.net}`).toBeDefined();
      for (const [component, fields] of Object.entries(c.values)) Object.assign((entity!.values[component] ??= {}), fields);
    }
  }
  byId(): Map<string, { type: string; values: SyncValues }> {
    return new Map([...this.byNet.values()].map((e) => [e.id, { type: e.type, values: e.values }]));
  }
}

/** Brute force: what an observer should see now, straight from the world. */
function expected(world: World, o: SyncObserver): Map<string, { type: string; values: SyncValues }> {
  const out = new Map<string, { type: string; values: SyncValues }>();
  for (const e of world.list()) {
    if (e.typeName === 'Rock') continue;
    const seen = e === o.owner || o.view.has(e) || !e.has(Position);
    if (!seen) continue;
    const values: SyncValues = {};
    if (e.has(Position)) {
      const p = e.get(Position);
      values.Position = { x: dequantize(quantize(p.x, 0.01), 0.01), y: dequantize(quantize(p.y, 0.01), 0.01) };
    }
    if (e.has(Health)) {
      const h = e.get(Health);
      values.Health = { hp: h.hp, shield: h.shield, heat: h.heat };
    }
    if (e.has(Tag)) {
      const t = e.get(Tag);
      values.Tag = { name: t.name, data: structuredClone(t.data) };
    }
    if (e.has(Purse)) {
      const p = e.get(Purse);
      values.Purse = e === o.owner ? { gold: p.gold, secret: p.secret, level: quantize(p.level, 1) } : { level: quantize(p.level, 1) };
    }
    if (e.has(Score)) values.Score = { red: e.get(Score).red, blue: e.get(Score).blue };
    if (e.has(Gauges)) {
      const g = e.get(Gauges);
      values.Gauges = { a: g.a, b: g.b, c: g.c, d: g.d, e: g.e, f: g.f, g: g.g, h: dequantize(quantize(g.h, 0.5), 0.5) };
      if (e === o.owner) Object.assign(values.Gauges, { i: g.i, j: dequantize(quantize(g.j, 0.25), 0.25) });
    }
    out.set(e.id, { type: e.typeName, values });
  }
  return out;
}

describe('SpaceSync against a brute-force reference on random worlds', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`keeps every observer's mirror equal to what it should see, step after step (seed ${seed})`, () => {
      const rnd = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
      const { world, sync } = setup();
      const live: Entity[] = [];
      const spawn = (): void => {
        const type = pick(['Mob', 'Mob', 'Hero', 'Banner', 'Rock', 'Tank'] as const);
        const e = world.spawn(type);
        if (e.has(Position)) {
          e.get(Position).x = rnd() * 200 - 100;
          e.get(Position).y = rnd() * 200 - 100;
        }
        if (e.has(Tag)) e.get(Tag).name = `mob-${live.length}-é`;
        live.push(e);
      };
      for (let i = 0; i < 30; i++) spawn();
      const decoders = new Map<string, SyncDecoder>();
      const mirrors = new Map<string, Mirror>();
      const netOf = new Map<string, number>();
      const idOfNet = new Map<number, string>();
      const keys = ['s1', 's2', 's3', 's4', 's5'];
      const owners = new Map<string, Entity | undefined>();
      for (let step = 0; step < 80; step++) {
        // The world changes: moves, field changes, spawns and destroys.
        for (const e of live) {
          if (!e.alive) continue;
          const r = rnd();
          if (e.has(Position) && r < 0.6) {
            const hot = world.hot(Position);
            hot.x[e.eid] = hot.x[e.eid]! + (rnd() - 0.5) * 3;
            hot.y[e.eid] = hot.y[e.eid]! + (rnd() - 0.5) * 0.004;
          }
          if (e.has(Health) && rnd() < 0.2) {
            const h = e.get(Health);
            h.hp = Math.floor(rnd() * 1_000);
            if (rnd() < 0.5) world.hot(Health).shield[e.eid] = rnd() < 0.1 ? NaN : rnd() * 10;
            if (rnd() < 0.3) h.heat = rnd();
          }
          if (e.has(Tag) && rnd() < 0.1) {
            if (rnd() < 0.5) e.get(Tag).data.buffs.push(pick(['haste', 'ward', 'ember']));
            else e.get(Tag).data = { buffs: [], rank: Math.floor(rnd() * 5) };
            if (rnd() < 0.3) e.get(Tag).unsynced++;
          }
          if (e.has(Purse) && rnd() < 0.15) {
            const p = e.get(Purse);
            p.gold += Math.floor(rnd() * 100);
            p.secret = rnd() < 0.5 ? 'key' : `code-${step}`;
            p.level += rnd() * 0.8;
          }
          if (e.has(Score) && rnd() < 0.1) e.get(Score).red++;
          if (e.has(Gauges) && rnd() < 0.3) {
            const g = e.get(Gauges);
            const field = pick(['a', 'b', 'c', 'd', 'e', 'f', 'h', 'i', 'j'] as const);
            g[field] = Math.floor((rnd() - 0.5) * 200) + (field === 'f' || field === 'h' || field === 'j' ? rnd() : 0);
            if (field === 'd' || field === 'e') g[field] = Math.abs(g[field]);
            if (rnd() < 0.1) g.g = `g${step}`;
          }
          if (rnd() < 0.01) e.destroy();
        }
        if (rnd() < 0.5) spawn();
        world.step(0.05);
        // Observers: some come and go, each with a random view and now and then a snapshot.
        const heroes = live.filter((e) => e.alive && (e.typeName === 'Hero' || e.typeName === 'Tank'));
        const candidates = live.filter((e) => rnd() < 0.4);
        const observers: SyncObserver[] = [];
        for (const key of keys) {
          if (key === 's5' && step % 20 >= 15) continue;
          if (!owners.has(key) || rnd() < 0.03 || (owners.get(key) !== undefined && !owners.get(key)!.alive)) owners.set(key, key === 's4' ? undefined : heroes.length > 0 ? pick(heroes) : undefined);
          const owner = owners.get(key);
          const view = new Set(candidates.filter(() => rnd() < 0.5).filter((e) => e !== owner));
          observers.push({ key, owner: owner?.alive ? owner : undefined, view, snapshot: rnd() < 0.05 });
        }
        const messages = sync.step(observers);
        expect([...messages.keys()].sort()).toEqual(observers.map((o) => o.key).sort());
        for (const key of keys) {
          if (!messages.has(key)) {
            decoders.delete(key);
            mirrors.delete(key);
          }
        }
        for (const o of observers) {
          const decoder = decoders.get(o.key) ?? new SyncDecoder();
          decoders.set(o.key, decoder);
          const mirror = mirrors.get(o.key) ?? new Mirror();
          mirrors.set(o.key, mirror);
          const m = decoder.decode(messages.get(o.key)!);
          expect(m.tick).toBe(step + 1);
          if (m.snapshot) expect(m.space).toEqual(SPACE);
          mirror.apply(m);
          expect(mirror.byId(), `observer ${o.key} at step ${step}`).toEqual(expected(world, o));
          for (const e of m.enter) {
            // One net id per entity, never reused for another in the space.
            expect(netOf.get(e.id) ?? e.net).toBe(e.net);
            expect(idOfNet.get(e.net) ?? e.id).toBe(e.id);
            netOf.set(e.id, e.net);
            idOfNet.set(e.net, e.id);
          }
        }
      }
    });
  }
});

describe('SpaceSync', () => {
  it('sends owner-only fields to the owner alone, and always shows a player its avatar', () => {
    const { world, sync } = setup();
    const hero = world.spawn(Hero);
    hero.get(Purse).gold = 7;
    hero.get(Purse).secret = 'k';
    world.step(0.05);
    const observers = [
      { key: 'owner', owner: hero, view: new Set<Entity>(), snapshot: false },
      { key: 'other', view: new Set<Entity>([hero]), snapshot: false },
    ];
    const first = decodeAll(sync.step(observers));
    expect(first.get('owner')!.enter[0]!.values.Purse).toEqual({ gold: 7, secret: 'k', level: 1 });
    expect(first.get('other')!.enter[0]!.values.Purse).toEqual({ level: 1 });
    hero.get(Purse).gold = 9;
    const messages = sync.step(observers);
    const decoded = decodeWith(first, messages);
    expect(decoded.get('owner')!.change).toEqual([{ net: 1, values: { Purse: { gold: 9 } } }]);
    expect(decoded.get('other')!.change).toEqual([]);
  });

  it('sees writes that systems make to typed arrays, and sends nothing when nothing changed', () => {
    const { world, sync } = setup();
    const mob = world.spawn(Mob);
    const observers = [{ key: 's', view: new Set<Entity>([mob]), snapshot: false }];
    const decoder = new SyncDecoder();
    decoder.decode(sync.step(observers).get('s')!);
    world.hot(Position).x[mob.eid] = 2.5;
    world.hot(Health).hp[mob.eid] = 40;
    expect(decoder.decode(sync.step(observers).get('s')!).change).toEqual([{ net: 1, values: { Position: { x: 2.5 }, Health: { hp: 40 } } }]);
    const idle = sync.step(observers).get('s')!;
    expect(idle.length).toBe(3);
    expect(decoder.decode(idle)).toEqual({ tick: 0, snapshot: false, enter: [], change: [], leave: [] });
  });

  it('reports an entity that left the view or the world once, and gives a new entity a new net id', () => {
    const { world, sync } = setup();
    const a = world.spawn(Mob);
    const b = world.spawn(Mob);
    const decoder = new SyncDecoder();
    const at = (view: Entity[]) => decoder.decode(sync.step([{ key: 's', view: new Set(view), snapshot: false }]).get('s')!);
    expect(at([a, b]).enter.map((e) => e.net)).toEqual([1, 2]);
    expect(at([b]).leave).toEqual([1]);
    expect(at([b]).leave).toEqual([]);
    b.destroy();
    expect(at([b]).leave).toEqual([2]);
    expect(at([]).leave).toEqual([]);
    const c = world.spawn(Mob);
    expect(at([a, c]).enter.map((e) => [e.net, e.id])).toEqual([
      [1, a.id],
      [3, c.id],
    ]);
  });

  it('starts an observer over on a snapshot, when it is new or comes back, and when its avatar changes', () => {
    const { world, sync } = setup();
    const hero = world.spawn(Hero);
    const other = world.spawn(Hero);
    const banner = world.spawn(Banner);
    world.spawn(Rock);
    const decoder = new SyncDecoder();
    const at = (o: Partial<SyncObserver>) => decoder.decode(sync.step([{ key: 's', view: new Set(), snapshot: false, ...o }]).get('s')!);
    const first = at({ owner: hero });
    expect(first.snapshot).toBe(true);
    expect(first.enter.map((e) => e.type).sort()).toEqual(['Banner', 'Hero']);
    expect(at({ owner: hero }).snapshot).toBe(false);
    expect(at({ owner: hero, snapshot: true })).toMatchObject({ snapshot: true, leave: [] });
    const moved = at({ owner: other });
    expect(moved.snapshot).toBe(true);
    expect(moved.enter.map((e) => e.id).sort()).toEqual([other.id, banner.id].sort());
    sync.step([]);
    expect(at({ owner: other }).snapshot).toBe(true);
  });

  it('keeps the last values of a component taken off at run time, and syncs the one put back', () => {
    const { world, sync } = setup();
    const mob = world.spawn(Mob);
    mob.get(Tag).name = 'first';
    const observers = [{ key: 's', view: new Set<Entity>([mob]), snapshot: false }];
    const decoder = new SyncDecoder();
    decoder.decode(sync.step(observers).get('s')!);
    mob.remove(Tag);
    expect(decoder.decode(sync.step(observers).get('s')!).change).toEqual([]);
    mob.add(Tag).name = 'second';
    expect(decoder.decode(sync.step(observers).get('s')!).change).toEqual([{ net: 1, values: { Tag: { name: 'second' } } }]);
  });

  it('refuses two observers with one key', () => {
    const { sync } = setup();
    const o = { key: 's', view: new Set<Entity>(), snapshot: false };
    expect(() => sync.step([o, o])).toThrow('SpaceSync.step: two observers have key s');
  });

  it('encodes a change once and gives every observer that sees it the same bytes', () => {
    const { world, sync } = setup();
    const mob = world.spawn(Mob);
    const observers = ['a', 'b', 'c'].map((key) => ({ key, view: new Set<Entity>([mob]), snapshot: false }));
    sync.step(observers);
    mob.get(Position).x = 1;
    const messages = [...sync.step(observers).values()].map((m) => Buffer.from(m).toString('hex'));
    expect(new Set(messages).size).toBe(1);
    expect(sync.entityCount).toBe(1);
  });
});

function decodeAll(messages: Map<string, Uint8Array>): Map<string, SyncMessage & { decoder: SyncDecoder }> {
  return new Map([...messages].map(([key, bytes]) => {
    const decoder = new SyncDecoder();
    return [key, Object.assign(decoder.decode(bytes), { decoder })];
  }));
}

function decodeWith(previous: Map<string, { decoder: SyncDecoder }>, messages: Map<string, Uint8Array>): Map<string, SyncMessage> {
  return new Map([...messages].map(([key, bytes]) => [key, previous.get(key)!.decoder.decode(bytes)]));
}

describe('SyncSchema', () => {
  it('lists the synced fields of each type in component and declaration order, and skips types without any', () => {
    const schema = new SyncSchema(syncRegistry());
    expect(schema.types.map((t) => t.name)).toEqual(['Mob', 'Hero', 'Banner', 'Tank']);
    expect(schema.typeOf('Rock')).toBeUndefined();
    expect(schema.typeOf('Hero')!.entries.map((e) => [e.component.name, e.field, e.kind, e.quantize, e.owner])).toEqual([
      ['Position', 'x', 1, 0.01, false],
      ['Position', 'y', 1, 0.01, false],
      ['Health', 'hp', 2, undefined, false],
      ['Health', 'shield', 4, undefined, false],
      ['Health', 'heat', 3, undefined, false],
      ['Purse', 'gold', 0, undefined, true],
      ['Purse', 'secret', 0, undefined, true],
      ['Purse', 'level', 1, 1, false],
    ]);
    expect([...schema.typeOf('Tank')!.publicMask]).toEqual([0xff, 0x03]);
  });

  it('refuses two synced components of one type with the same class name', () => {
    const make = () =>
      class Stat extends Component {
        static override sync = { n: 'public' } as const;
        n = 0;
      };
    const [A, B] = [make(), make()];
    class Twin extends Entity {
      static override components = [A, B];
    }
    expect(() => new SyncSchema(new EntityRegistry().register('Twin', Twin))).toThrow('SyncSchema: Twin has two synced components named Stat');
  });
});
