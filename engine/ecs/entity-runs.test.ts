import { addComponent, addEntity, query, removeComponent, removeEntity } from 'bitecs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import type { EntityRuns } from './entity-runs.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';

const newWorld = (): World => new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry() });
const Position = {};
const Velocity = {};

// The ids the runs cover, run by run.
function idsOf(runs: EntityRuns): number[] {
  const ids: number[] = [];
  for (let r = 0; r < runs.count; r++) for (let eid = runs.starts[r]!; eid < runs.ends[r]!; eid++) ids.push(eid);
  return ids;
}

function mover(world: World, components: object[] = [Position, Velocity]): number {
  const eid = addEntity(world.ecs);
  for (const c of components) addComponent(world.ecs, eid, c);
  return eid;
}

describe('World.runs', () => {
  it('covers entities spawned one after another with one run', () => {
    const world = newWorld();
    const eids = Array.from({ length: 100 }, () => mover(world));
    const runs = world.runs([Position, Velocity]);
    expect(runs.count).toBe(1);
    expect(runs.size).toBe(100);
    expect(idsOf(runs)).toEqual(eids);
  });

  it('leaves out entities that lack a component, and is the same query whatever the order of the components', () => {
    const world = newWorld();
    const a = mover(world);
    mover(world, [Position]);
    const c = mover(world);
    const runs = world.runs([Velocity, Position]);
    expect(idsOf(runs)).toEqual([a, c]);
    expect(runs.count).toBe(2);
    expect(world.runs([Position, Velocity])).toBe(runs);
  });

  it('follows entities that enter and leave between steps, in id order', () => {
    const world = newWorld();
    const [a, b, c, d] = Array.from({ length: 4 }, () => mover(world));
    expect(idsOf(world.runs([Position, Velocity]))).toEqual([a, b, c, d]);
    removeEntity(world.ecs, b!);
    removeComponent(world.ecs, d!, Velocity);
    expect(idsOf(world.runs([Position, Velocity]))).toEqual([a, c]);
    addComponent(world.ecs, d!, Velocity);
    // The query's own list is now out of id order: the runs are not.
    const e = mover(world);
    expect(idsOf(world.runs([Position, Velocity]))).toEqual([...query(world.ecs, [Position, Velocity])].sort((x, y) => x - y));
    expect(idsOf(world.runs([Position, Velocity]))).toContain(e);
  });

  it('is empty for a query nothing matches', () => {
    const world = newWorld();
    mover(world, [Position]);
    expect(world.runs([Position, Velocity])).toMatchObject({ count: 0, size: 0 });
  });

  it('refuses a query without components', () => {
    expect(() => newWorld().runs([])).toThrow(/at least one component/);
  });

  it('always covers exactly the entities the query holds, in id order, whatever was added and removed', () => {
    const op = fc.oneof(
      fc.constant({ kind: 'spawn' as const, index: 0 }),
      fc.record({ kind: fc.constantFrom('destroy' as const, 'drop' as const, 'restore' as const, 'read' as const), index: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const world = newWorld();
        const live: number[] = [];
        for (const { kind, index } of ops) {
          const eid = live[index % Math.max(live.length, 1)];
          if (kind === 'spawn') live.push(mover(world));
          else if (kind === 'read') world.runs([Position, Velocity]);
          else if (eid === undefined) continue;
          else if (kind === 'destroy') {
            removeEntity(world.ecs, eid);
            live.splice(live.indexOf(eid), 1);
          } else if (kind === 'drop') removeComponent(world.ecs, eid, Velocity);
          else addComponent(world.ecs, eid, Velocity);
        }
        const runs = world.runs([Position, Velocity]);
        const expected = [...query(world.ecs, [Position, Velocity])].sort((x, y) => x - y);
        expect(idsOf(runs)).toEqual(expected);
        expect(runs.size).toBe(expected.length);
        // Runs are maximal: one ends strictly before the next starts.
        for (let r = 1; r < runs.count; r++) expect(runs.starts[r]!).toBeGreaterThan(runs.ends[r - 1]!);
      }),
    );
  });
});
