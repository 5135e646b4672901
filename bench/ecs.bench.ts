/**
 * ECS speed, on the lobby's worked example: the movement system's step over 100,000 avatars
 * (World, hot typed-array fields, the entities as runs of ids from `World.runs`), the same step
 * walking the bitecs query's list of ids, avatars spawned and destroyed per second, and dirty
 * avatars saved per second to the embedded store. Baselines in the same run: the same movement
 * loop over plain typed arrays without bitecs or the World, once with arrays the JIT knows as
 * constants (one closure over its own arrays) and once in a function given its arrays, as a
 * system is given its world's (docs/performance.md, "ECS iteration", says why both).
 */
import { query } from 'bitecs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import type { Entity } from '../engine/ecs/entity.js';
import { World } from '../engine/ecs/world.js';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { Avatar } from '../lobby/fixtures/test-avatar.js';
import { Inventory, Position, Velocity } from '../lobby/fixtures/test-components.js';
import { movementSystem } from '../lobby/fixtures/movement-system.js';
import type { Benchmark, Figure } from './lib/benchmark.js';

const ENTITIES = 100_000;
const STEPS = 200;
const WARMUP_STEPS = 100;
const DT = 1 / 20;
const SAVES = 20_000;
const REBUILDS = 40;

const ms = (value: number): Figure => ({ value, unit: 'ms', better: 'lower' });
const perSecond = (count: number, elapsedMs: number, unit: string): Figure => ({ value: count / (elapsedMs / 1_000), unit, better: 'higher' });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function lobbyWorld(): { world: World; registry: EntityRegistry } {
  const registry = new EntityRegistry().register('Avatar', Avatar);
  return { world: new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry }).addSystem('movement', movementSystem), registry };
}

// Warm-up steps first, untimed: the JIT settles and the collector finishes with the set-up.
function stepTimes(step: () => void): number[] {
  for (let s = 0; s < WARMUP_STEPS; s++) step();
  const times: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  return times;
}

function plainArrays(): [Float32Array, Float32Array, Float32Array, Float32Array] {
  const vx = new Float32Array(ENTITIES).map((_, i) => (i % 7) - 3);
  const vy = new Float32Array(ENTITIES).map((_, i) => (i % 5) - 2);
  return [new Float32Array(ENTITIES), new Float32Array(ENTITIES), vx, vy];
}

// One closure over its own arrays: V8 compiles them in as constants, with no checks per element.
function plainStepTimes(): number[] {
  const [px, py, vx, vy] = plainArrays();
  return stepTimes(() => {
    for (let i = 0; i < ENTITIES; i++) {
      px[i]! += vx[i]! * DT;
      py[i]! += vy[i]! * DT;
    }
  });
}

function plainMove(px: Float32Array, py: Float32Array, vx: Float32Array, vy: Float32Array, dt: number): void {
  for (let i = 0; i < px.length; i++) {
    px[i]! += vx[i]! * dt;
    py[i]! += vy[i]! * dt;
  }
}

// The same loop given its arrays, two sets in turn (as a system serves the worlds of a lobby), so
// that the JIT cannot fold them in as constants: it checks each array again at every element.
function plainGivenStepTimes(): number[] {
  const sets = [plainArrays(), plainArrays()];
  let turn = 0;
  return stepTimes(() => plainMove(...sets[turn++ & 1]!, DT));
}

// The movement step written over the query's list of ids, as systems were before World.runs.
function queryListMovement(world: World, dt: number): void {
  const { x: px, y: py } = world.hot(Position);
  const { x: vx, y: vy } = world.hot(Velocity);
  const eids = query(world.ecs, [Position, Velocity]);
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i]!;
    px[eid]! += vx[eid]! * dt;
    py[eid]! += vy[eid]! * dt;
  }
}

// What a step pays after entities entered or left: every third avatar goes, so the query's list
// is shuffled, then one avatar at a time comes and the runs are rebuilt (bitecs commits its own
// query first, untimed); the median of the warm rebuilds.
function runsRebuildTime(world: World, avatars: Entity[]): number {
  for (let i = 0; i < avatars.length; i += 3) world.destroy(avatars[i]!);
  const times: number[] = [];
  for (let i = 0; i < REBUILDS; i++) {
    world.spawn(Avatar);
    query(world.ecs, [Position, Velocity]);
    const start = performance.now();
    world.runs([Position, Velocity]);
    times.push(performance.now() - start);
  }
  const { size } = world.runs([Position, Velocity]);
  if (size !== ENTITIES - Math.ceil(ENTITIES / 3) + REBUILDS) throw new Error(`ecs bench: runs cover ${size} avatars`);
  return median(times.slice(REBUILDS / 2));
}

function spawnDestroyRate(): Figure {
  const { world } = lobbyWorld();
  const avatars: Entity[] = new Array(ENTITIES);
  const start = performance.now();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < ENTITIES; i++) avatars[i] = world.spawn(Avatar);
    for (let i = 0; i < ENTITIES; i++) world.destroy(avatars[i]!);
  }
  return perSecond(3 * ENTITIES, performance.now() - start, 'entities/s');
}

async function dirtySaveRate(): Promise<Figure> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ecs-'));
  const store = openLmdbStore({ path: dir });
  try {
    const { world, registry } = lobbyWorld();
    const persistence = new EntityPersistence({ world, registry, store, logger: new MemoryLogger(), clock: new SystemClock(), owner: 'bench' });
    const avatars = Array.from({ length: SAVES }, () => world.spawn(Avatar));
    await persistence.flushDirty();
    for (const [i, a] of avatars.entries()) a.get(Inventory).gold = i;
    const start = performance.now();
    const { saved } = await persistence.flushDirty();
    if (saved !== SAVES) throw new Error(`ecs bench: saved ${saved} of ${SAVES}`);
    return perSecond(SAVES, performance.now() - start, 'saves/s');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'ecs',
  description: `movement over ${ENTITIES.toLocaleString('en-US')} avatars, spawn+destroy, dirty saves to LMDB`,
  async run() {
    const { world } = lobbyWorld();
    const avatars = Array.from({ length: ENTITIES }, (_, i) => {
      const a = world.spawn(Avatar);
      a.get(Velocity).x = (i % 7) - 3;
      a.get(Velocity).y = (i % 5) - 2;
      return a;
    });
    const ours = stepTimes(() => world.step(DT));
    const queryList = stepTimes(() => queryListMovement(world, DT));
    // The figures must measure real work: avatar 6 (velocity x = 3) has moved 3 units a second.
    const moved = avatars[6]!.get(Position).x;
    const expected = 3 * DT * 2 * (WARMUP_STEPS + STEPS);
    if (Math.abs(moved - expected) > 0.01) throw new Error(`ecs bench: avatar 6 is at x=${moved}, expected ${expected}`);
    const rebuild = runsRebuildTime(world, avatars);
    return {
      params: { entities: ENTITIES, steps: STEPS, saves: SAVES, warmupSteps: WARMUP_STEPS, rebuilds: REBUILDS, note: 'median step time after the warm-up' },
      figures: {
        'movement step (World, hot fields, runs)': ms(median(ours)),
        'movement step (World, hot fields, query list)': ms(median(queryList)),
        'runs rebuilt, 66,000 avatars in a shuffled query': ms(rebuild),
        'spawn+destroy (Avatar, 3 components)': spawnDestroyRate(),
        'dirty saves to LMDB': await dirtySaveRate(),
      },
      baseline: {
        'movement step (plain typed arrays, JIT constants)': ms(median(plainStepTimes())),
        'movement step (plain typed arrays, given)': ms(median(plainGivenStepTimes())),
      },
      compare: [
        { ours: 'movement step (World, hot fields, runs)', baseline: 'movement step (plain typed arrays, JIT constants)' },
        { ours: 'movement step (World, hot fields, runs)', baseline: 'movement step (plain typed arrays, given)' },
        { ours: 'movement step (World, hot fields, query list)', baseline: 'movement step (plain typed arrays, JIT constants)' },
        { ours: 'movement step (World, hot fields, query list)', baseline: 'movement step (plain typed arrays, given)' },
      ],
    };
  },
};

export default benchmark;
