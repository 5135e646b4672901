/**
 * State sync of one space: 5,000 moving entities, 500 players each seeing about 100, 20 Hz.
 * Figures: the sync stage per tick (interest update + delta build + encode), bytes per client
 * per second, messages per tick. Baselines in the same run, as bytes per client per second:
 * naive (every client gets the full synced state of everything it sees, every tick) and
 * broadcast (every change in the whole space goes to every client).
 *
 * Interest: the space's interest grid (engine/space/interest-grid.ts), every entity set at its
 * new position each tick, cells as wide as the view radius.
 */
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { InterestGrid } from '../engine/space/interest-grid.js';
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

/** How the clients are served in one run of the simulation. */
type Mode = 'ours' | 'naive' | 'broadcast';

interface Run {
  /** Sync stage per measured tick, ms (ours only). */
  stage: number[];
  /** Its interest update part, ms. */
  interest: number[];
  /** Its delta build and encoding part, ms. */
  encode: number[];
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
  const grid = new InterestGrid<Entity>({ cellSize: VIEW_RADIUS, viewRadius: VIEW_RADIUS });
  const eids = Int32Array.from(entities, (e) => e.eid);
  const position = world.hot(Position);
  entities.forEach((e, i) => grid.set(e, position.x[eids[i]!]!, position.y[eids[i]!]!, { observer: i < PLAYERS }));
  grid.update();
  // A view is live: the grid keeps it up to date.
  const observers: SyncObserver[] = entities.slice(0, PLAYERS).map((owner, i) => ({ key: `session-${i}`, owner, view: grid.viewOf(owner), snapshot: false }));
  const sync = new SpaceSync({ world, schema, space });
  // Naive clients know the space and the schema: what a snapshot adds for them is not counted.
  const snapshotHead = new SpaceSync({ world: new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry }), schema, space }).step([{ key: 'k', view: new Set(), snapshot: true }]).get('k')!.length - 3;
  const everyone: SyncObserver[] = [{ key: 'everyone', view: new Set(entities), snapshot: false }];
  const naive = observers.map((o) => ({ ...o, snapshot: true }));
  // The figures must measure real messages: one client's stream decodes throughout.
  const check = new SyncDecoder();
  const run: Run = { stage: [], interest: [], encode: [], cpu: 0, bytes: 0, messages: 0, nonEmpty: 0, meanView: 0 };
  let viewSum = 0;
  for (let tick = 0; tick < WARMUP_TICKS + TICKS; tick++) {
    world.step(DT);
    const measured = tick >= WARMUP_TICKS;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const { x, y } = world.hot(Position);
    for (let i = 0; i < ENTITIES; i++) grid.set(entities[i]!, x[eids[i]!]!, y[eids[i]!]!);
    grid.update();
    const interestDone = performance.now();
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
    run.interest.push(interestDone - start);
    run.encode.push(took - (interestDone - start));
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
        interest: 'engine/space/interest-grid.ts, every entity moved each tick',
        nonEmptyMessagesPerTick: Math.round(ours.nonEmpty / TICKS),
        bytesOfNaive: Math.round((oursPerClient / naivePerClient) * 1_000) / 1_000,
        targetStageMs: 10,
        targetBytesOfNaive: 0.2,
      },
      figures: {
        'sync stage per tick, median': ms(percentile(ours.stage, 0.5)),
        'sync stage per tick, p99': ms(percentile(ours.stage, 0.99)),
        'of which interest update, median': ms(percentile(ours.interest, 0.5)),
        'of which delta build + encode, median': ms(percentile(ours.encode, 0.5)),
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
