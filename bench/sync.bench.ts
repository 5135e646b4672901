/**
 * State sync of one space: 5,000 moving entities, 500 players each seeing about 100, 20 Hz.
 * Figures: the sync stage per tick (interest update + delta build + encode), bytes per client
 * per second, messages per tick. Baselines in the same run, as bytes per client per second:
 * naive (every client gets the full synced state of everything it sees, every tick) and
 * broadcast (every change in the whole space goes to every client).
 *
 * Interest: a uniform grid inside this file (cells as wide as the view radius, rebuilt each
 * tick; 3×3 cells checked per player, each view set updated in place), as a stand-in for the
 * space's interest grid.
 */
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { SpaceSync, type SyncObserver } from '../engine/sync/space-sync.js';
import { SyncDecoder } from '../engine/sync/sync-decoder.js';
import { SyncSchema } from '../engine/sync/sync-schema.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import type { Benchmark, Figure } from './lib/benchmark.js';

const ENTITIES = 5_000;
const PLAYERS = 500;
const TICK_HZ = 20;
const DT = 1 / TICK_HZ;
const SIDE = 1_000;
// 5,000 entities on 1,000 × 1,000: π·80² · 0.005 ≈ 100 in view.
const VIEW_RADIUS = 80;
const WARMUP_TICKS = 40;
const TICKS = 200;
const SPEED = 4;

class Position extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  static override sync = { x: { quantize: 0.01 }, y: { quantize: 0.01 } } as const;
  declare x: number;
  declare y: number;
}
class Velocity extends Component {
  static override hot = { x: 'f32', y: 'f32' } as const;
  declare x: number;
  declare y: number;
}
class Vitals extends Component {
  static override hot = { hp: 'u16', mana: 'u16' } as const;
  static override sync = { hp: 'public', mana: 'owner' } as const;
  declare hp: number;
  declare mana: number;
}
class Profile extends Component {
  static override sync = { name: 'public', level: 'public', guild: 'public' } as const;
  name = '';
  level = 1;
  guild = '';
}
class Purse extends Component {
  static override sync = { gold: 'owner' } as const;
  gold = 0;
}
class Walker extends Entity {
  static override components = [Position, Velocity, Vitals, Profile, Purse];
}

const ms = (value: number): Figure => ({ value, unit: 'ms', better: 'lower' });
const bytesPerSecond = (value: number): Figure => ({ value, unit: 'B/s per client', better: 'lower' });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

// A seeded random source (mulberry32), so that runs compare.
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

/** Movement with bounces off the edges, and now and then a hit, a level or some gold. */
function gameSystem(rnd: () => number) {
  return (world: World): void => {
    const p = world.hot(Position);
    const v = world.hot(Velocity);
    const vitals = world.hot(Vitals);
    for (const e of world.list()) {
      const eid = e.eid;
      let x = p.x[eid]! + v.x[eid]! * DT;
      let y = p.y[eid]! + v.y[eid]! * DT;
      if (x < 0 || x > SIDE) (v.x[eid] = -v.x[eid]!), (x = p.x[eid]!);
      if (y < 0 || y > SIDE) (v.y[eid] = -v.y[eid]!), (y = p.y[eid]!);
      p.x[eid] = x;
      p.y[eid] = y;
      const r = rnd();
      if (r < 0.02) vitals.hp[eid] = Math.floor(rnd() * 500);
      else if (r < 0.03) vitals.mana[eid] = Math.floor(rnd() * 200);
      else if (r < 0.031) e.get(Profile).level++;
      else if (r < 0.04) e.get(Purse).gold += 5;
    }
  };
}

/**
 * Who sees whom: a uniform grid of cells as wide as the view radius, rebuilt each tick, checking
 * 3×3 cells per player. Each player's view set is kept as an interest grid keeps it: only the
 * entities that came or left are added or deleted. The entities live for the whole run, so their
 * bitecs ids are read once.
 */
class UniformGrid {
  private readonly perSide = Math.ceil(SIDE / VIEW_RADIUS) + 1;
  private readonly cells: number[][] = Array.from({ length: this.perSide * this.perSide }, () => []);
  private readonly eids: Int32Array;
  /** Per player, per entity index: 1 while in its view set. */
  private readonly inView: Uint8Array[];
  /** Per player: the entity indexes in its view set. */
  private readonly lists: number[][];
  /** Per entity index: the pass that last found it in range. */
  private readonly found: Uint32Array;
  private pass = 0;

  constructor(
    private readonly entities: readonly Entity[],
    players: number,
  ) {
    this.eids = Int32Array.from(entities, (e) => e.eid);
    this.inView = Array.from({ length: players }, () => new Uint8Array(entities.length));
    this.lists = Array.from({ length: players }, () => []);
    this.found = new Uint32Array(entities.length);
  }

  rebuild(world: World): void {
    for (const cell of this.cells) cell.length = 0;
    const p = world.hot(Position);
    for (let i = 0; i < this.eids.length; i++) this.cells[this.cellOf(p.x[this.eids[i]!]!, p.y[this.eids[i]!]!)]!.push(i);
  }

  /** Brings `into` up to date: the entities within the radius of player `self` (an entity index), itself excluded. */
  view(world: World, self: number, into: Set<Entity>): void {
    const pass = ++this.pass;
    const { found } = this;
    const inView = this.inView[self]!;
    const list = this.lists[self]!;
    const { x: px, y: py } = world.hot(Position);
    const x = px[this.eids[self]!]!;
    const y = py[this.eids[self]!]!;
    const r2 = VIEW_RADIUS * VIEW_RADIUS;
    const cx = this.clamp(Math.floor(x / VIEW_RADIUS));
    const cy = this.clamp(Math.floor(y / VIEW_RADIUS));
    for (let gx = Math.max(0, cx - 1); gx <= Math.min(this.perSide - 1, cx + 1); gx++) {
      for (let gy = Math.max(0, cy - 1); gy <= Math.min(this.perSide - 1, cy + 1); gy++) {
        for (const other of this.cells[gx * this.perSide + gy]!) {
          const eid = this.eids[other]!;
          const dx = px[eid]! - x;
          const dy = py[eid]! - y;
          if (other === self || dx * dx + dy * dy > r2) continue;
          found[other] = pass;
          if (inView[other] === 0) {
            inView[other] = 1;
            list.push(other);
            into.add(this.entities[other]!);
          }
        }
      }
    }
    let kept = 0;
    for (const i of list) {
      if (found[i] === pass) list[kept++] = i;
      else {
        inView[i] = 0;
        into.delete(this.entities[i]!);
      }
    }
    list.length = kept;
  }

  private clamp(c: number): number {
    return Math.max(0, Math.min(this.perSide - 1, c));
  }

  private cellOf(x: number, y: number): number {
    return this.clamp(Math.floor(x / VIEW_RADIUS)) * this.perSide + this.clamp(Math.floor(y / VIEW_RADIUS));
  }
}

/** How the clients are served in one run of the simulation. */
type Mode = 'ours' | 'naive' | 'broadcast';

interface Run {
  /** Sync stage per measured tick, ms (ours only). */
  stage: number[];
  /** CPU time of the process over the measured sync stages, ms: on a shared machine, wall time also counts waiting for a core. */
  cpu: number;
  /** Bytes sent to all clients over the measured ticks. */
  bytes: number;
  messages: number;
  nonEmpty: number;
  meanView: number;
}

/**
 * Runs the space for the warm-up and measured ticks, serving the clients in `mode`. The world is
 * seeded, so the three modes see the same moves; each runs alone, so that one mode's garbage
 * does not land in another's timing.
 */
function simulate(mode: Mode): Run {
  const rnd = random(13);
  const registry = new EntityRegistry().register('Walker', Walker);
  const world = new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry }).addSystem('game', gameSystem(rnd));
  const schema = new SyncSchema(registry);
  const space = { id: 'field@bench', type: 'field', tickHz: TICK_HZ };
  const entities = Array.from({ length: ENTITIES }, (_, i) => {
    const e = world.spawn(Walker);
    const angle = rnd() * 2 * Math.PI;
    Object.assign(e.get(Position), { x: rnd() * SIDE, y: rnd() * SIDE });
    Object.assign(e.get(Velocity), { x: Math.cos(angle) * SPEED, y: Math.sin(angle) * SPEED });
    Object.assign(e.get(Vitals), { hp: 500, mana: 200 });
    Object.assign(e.get(Profile), { name: `walker-${i}`, level: 1 + (i % 50), guild: ['red', 'blue', 'green'][i % 3]! });
    return e;
  });
  const grid = new UniformGrid(entities, PLAYERS);
  const observers: SyncObserver[] = entities.slice(0, PLAYERS).map((owner, i) => ({ key: `session-${i}`, owner, view: new Set<Entity>(), snapshot: false }));
  const sync = new SpaceSync({ world, schema, space });
  // Naive clients know the space and the schema: what a snapshot adds for them is not counted.
  const snapshotHead = new SpaceSync({ world: new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry }), schema, space }).step([{ key: 'k', view: new Set(), snapshot: true }]).get('k')!.length - 3;
  const everyone: SyncObserver[] = [{ key: 'everyone', view: new Set(entities), snapshot: false }];
  const naive = observers.map((o) => ({ ...o, snapshot: true }));
  // The figures must measure real messages: one client's stream decodes throughout.
  const check = new SyncDecoder();
  const run: Run = { stage: [], cpu: 0, bytes: 0, messages: 0, nonEmpty: 0, meanView: 0 };
  let viewSum = 0;
  for (let tick = 0; tick < WARMUP_TICKS + TICKS; tick++) {
    world.step(DT);
    const measured = tick >= WARMUP_TICKS;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    grid.rebuild(world);
    observers.forEach((o, i) => grid.view(world, i, o.view as Set<Entity>));
    if (mode === 'broadcast') {
      const bytes = sync.step(everyone).get('everyone')!;
      if (measured) run.bytes += bytes.length * PLAYERS;
      continue;
    }
    const out = sync.step(mode === 'ours' ? observers : naive);
    const took = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (mode === 'ours') check.decode(out.get('session-0')!);
    if (!measured) continue;
    run.stage.push(took);
    run.cpu += (cpu.user + cpu.system) / 1_000;
    for (const o of observers) viewSum += o.view.size;
    for (const bytes of out.values()) {
      run.bytes += mode === 'naive' ? bytes.length - snapshotHead : bytes.length;
      run.messages++;
      if (bytes.length > 3) run.nonEmpty++;
    }
  }
  run.meanView = viewSum / TICKS / PLAYERS;
  return run;
}

const benchmark: Benchmark = {
  name: 'sync',
  description: `one space: ${ENTITIES.toLocaleString('en-US')} moving entities, ${PLAYERS} players seeing ~100 each, ${TICK_HZ} Hz`,
  async run() {
    const ours = simulate('ours');
    const naive = simulate('naive');
    const broadcast = simulate('broadcast');
    const seconds = TICKS / TICK_HZ;
    const perClient = (total: number): number => total / PLAYERS / seconds;
    const oursPerClient = perClient(ours.bytes);
    const naivePerClient = perClient(naive.bytes);
    return {
      params: {
        entities: ENTITIES,
        players: PLAYERS,
        tickHz: TICK_HZ,
        ticks: TICKS,
        warmupTicks: WARMUP_TICKS,
        meanView: Math.round(ours.meanView * 10) / 10,
        interest: 'uniform grid in the bench, views updated in place each tick',
        nonEmptyMessagesPerTick: Math.round(ours.nonEmpty / TICKS),
        bytesOfNaive: Math.round((oursPerClient / naivePerClient) * 1_000) / 1_000,
        targetStageMs: 10,
        targetBytesOfNaive: 0.2,
      },
      figures: {
        'sync stage per tick, median': ms(percentile(ours.stage, 0.5)),
        'sync stage per tick, p99': ms(percentile(ours.stage, 0.99)),
        'sync stage CPU time per tick, mean': ms(ours.cpu / TICKS),
        'bytes per client per second': bytesPerSecond(oursPerClient),
        'messages per tick': { value: ours.messages / TICKS, unit: 'messages', better: 'lower' },
      },
      baseline: {
        'naive: full view state every tick': bytesPerSecond(naivePerClient),
        'broadcast: every change in the space': bytesPerSecond(perClient(broadcast.bytes)),
      },
      compare: [
        { ours: 'bytes per client per second', baseline: 'naive: full view state every tick' },
        { ours: 'bytes per client per second', baseline: 'broadcast: every change in the space' },
      ],
    };
  },
};

export default benchmark;
