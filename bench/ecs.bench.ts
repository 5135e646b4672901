/**
 * ECS speed: entities (classes with components) spawned and destroyed per second, and the
 * movement system's step time over 100,000 entities. Baseline in the same run: the same movement
 * loop over plain typed arrays, no bitecs. The dirty-save figure comes with the persistence binding.
 */
import { addComponent, addEntity, query } from 'bitecs';
import { Component } from '../engine/ecs/component.js';
import { Entity } from '../engine/ecs/entity.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { SystemClock } from '../engine/timer/clock.js';
import type { Benchmark, Figure } from './lib/benchmark.js';

const ENTITIES = 100_000;
const STEPS = 200;
const DT = 1 / 20;

const ms = (value: number): Figure => ({ value, unit: 'ms', better: 'lower' });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function movementWorld(): { world: World; moved: () => number } {
  const Position = { x: new Float32Array(ENTITIES + 1), y: new Float32Array(ENTITIES + 1) };
  const Velocity = { x: new Float32Array(ENTITIES + 1), y: new Float32Array(ENTITIES + 1) };
  const world = new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry: new EntityRegistry() }).addSystem('movement', (w, dt) => {
    const px = Position.x;
    const py = Position.y;
    const vx = Velocity.x;
    const vy = Velocity.y;
    const eids = query(w.ecs, [Position, Velocity]);
    for (let i = 0; i < eids.length; i++) {
      const eid = eids[i]!;
      px[eid]! += vx[eid]! * dt;
      py[eid]! += vy[eid]! * dt;
    }
  });
  for (let i = 0; i < ENTITIES; i++) {
    const eid = addEntity(world.ecs);
    addComponent(world.ecs, eid, Position);
    addComponent(world.ecs, eid, Velocity);
    Velocity.x[eid] = (i % 7) - 3;
    Velocity.y[eid] = (i % 5) - 2;
  }
  // How many entities the system reached, to make sure the figure measures real work.
  const moved = (): number => query(world.ecs, [Position, Velocity]).filter((eid) => Position.x[eid] !== 0 || Velocity.x[eid] === 0).length;
  return { world, moved };
}

function plainStepTimes(): number[] {
  const px = new Float32Array(ENTITIES);
  const py = new Float32Array(ENTITIES);
  const vx = new Float32Array(ENTITIES).map((_, i) => (i % 7) - 3);
  const vy = new Float32Array(ENTITIES).map((_, i) => (i % 5) - 2);
  const times: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const t = performance.now();
    for (let i = 0; i < ENTITIES; i++) {
      px[i]! += vx[i]! * DT;
      py[i]! += vy[i]! * DT;
    }
    times.push(performance.now() - t);
  }
  return times;
}

class Stats extends Component {
  hp = 100;
}
class Wallet extends Component {
  static override requires = [Stats];
  gold = 0;
}
class Mob extends Entity {
  static override components = [Stats, Wallet];
}

// Entity classes through World.spawn and World.destroy: ULID, components, hooks, bitecs bookkeeping.
function spawnDestroyRate(): Figure {
  const world = new World({ logger: new MemoryLogger(), clock: new SystemClock(), registry: new EntityRegistry().register('Mob', Mob) });
  const mobs: Entity[] = new Array(ENTITIES);
  const start = performance.now();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < ENTITIES; i++) mobs[i] = world.spawn(Mob);
    for (let i = 0; i < ENTITIES; i++) world.destroy(mobs[i]!);
  }
  return { value: (3 * ENTITIES) / ((performance.now() - start) / 1_000), unit: 'entities/s', better: 'higher' };
}

const benchmark: Benchmark = {
  name: 'ecs',
  description: `movement over ${ENTITIES.toLocaleString('en-US')} entities, and entity spawn+destroy`,
  async run() {
    const { world, moved } = movementWorld();
    const ours: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      const t = performance.now();
      world.step(DT);
      ours.push(performance.now() - t);
    }
    if (moved() !== ENTITIES) throw new Error(`ecs bench: the movement system reached ${moved()} of ${ENTITIES} entities`);
    const plain = plainStepTimes();
    return {
      params: { entities: ENTITIES, steps: STEPS, note: 'median step time; warm-up included in the run' },
      figures: { 'movement step (World + bitecs query)': ms(median(ours)), 'spawn+destroy (Entity with 2 components)': spawnDestroyRate() },
      baseline: { 'movement step (plain typed arrays)': ms(median(plain)) },
      compare: [{ ours: 'movement step (World + bitecs query)', baseline: 'movement step (plain typed arrays)' }],
    };
  },
};

export default benchmark;
