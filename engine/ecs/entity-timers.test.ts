import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Component } from './component.js';
import { Entity } from './entity.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';

class Spawner extends Component {
  static override persist = ['spawned'];
  spawned = 0;
}
class Camp extends Entity {
  static override components = [Spawner];
  calls: unknown[][] = [];
  respawn(kind: string, count: number): void {
    this.calls.push([kind, count]);
    this.get(Spawner).spawned += count;
  }
  explode(): never {
    throw new Error('boom');
  }
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// Lets queued callbacks and the promises they chain run.
const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

function setup(options: { maxTimersPerEntity?: number } = {}) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const world = new World({ logger, clock, registry: new EntityRegistry().register('Camp', Camp), ...options });
  return { clock, logger, world, camp: world.spawn(Camp) };
}

describe('entity timers', () => {
  it('fires after once and every on each interval, on the world clock', async () => {
    const { clock, camp } = setup();
    const fired: string[] = [];
    camp.timers.after(100, () => fired.push('after'));
    camp.timers.every(40, () => fired.push('every'));
    clock.advance(99);
    await turns();
    expect(fired).toEqual(['every', 'every']);
    clock.advance(1);
    await turns();
    expect(fired).toEqual(['every', 'every', 'after']);
    expect(camp.timers.size).toBe(1);
  });

  it('cancels a timer before it fires, and one already fired but still waiting its turn', async () => {
    const { clock, camp } = setup();
    const fired: string[] = [];
    const early = camp.timers.after(10, () => fired.push('early'));
    expect(camp.timers.cancel(early)).toBe(true);
    expect(camp.timers.cancel(early)).toBe(false);
    const busy = deferred();
    void camp.queue.offer(() => busy.promise);
    const queued = camp.timers.after(10, () => fired.push('queued'));
    clock.advance(10);
    await turns();
    expect(camp.timers.cancel(queued)).toBe(true);
    busy.resolve();
    await turns();
    expect(fired).toEqual([]);
  });

  it('runs callbacks through the entity queue, after the work queued before them', async () => {
    const { clock, camp } = setup();
    const order: string[] = [];
    const busy = deferred();
    void camp.queue.offer(async () => {
      order.push('request started');
      await busy.promise;
      order.push('request done');
    });
    camp.timers.after(5, () => order.push('timer'));
    clock.advance(5);
    await turns();
    expect(order).toEqual(['request started']);
    busy.resolve();
    await turns();
    expect(order).toEqual(['request started', 'request done', 'timer']);
  });

  it('skips firings of an every timer while its last one is still waiting in the queue', async () => {
    const { clock, camp } = setup();
    let count = 0;
    const busy = deferred();
    void camp.queue.offer(() => busy.promise);
    camp.timers.every(10, () => count++);
    clock.advance(50);
    await turns();
    expect(count).toBe(0);
    busy.resolve();
    await turns();
    expect(count).toBe(1);
    clock.advance(10);
    await turns();
    expect(count).toBe(2);
  });

  it('cancels every timer when the entity is destroyed, and refuses new ones', async () => {
    const { clock, world, camp } = setup();
    let fired = 0;
    camp.timers.after(10, () => fired++);
    camp.timers.every(10, () => fired++);
    camp.timers.schedule(10, 'respawn', 'wolf', 1);
    const timers = camp.timers;
    world.destroy(camp);
    expect(world.timers.size).toBe(0);
    clock.advance(100);
    await turns();
    expect(fired).toBe(0);
    expect(camp.calls).toEqual([]);
    expect(() => timers.after(10, () => undefined)).toThrow(/left the world/);
    expect(() => camp.timers).toThrow(/destroyed/);
  });

  it('schedule calls the entity method by name with copies of its arguments, and marks the entity dirty', async () => {
    const { clock, world, camp } = setup();
    world.takeDirty();
    const args = { kind: 'wolf' };
    camp.timers.schedule(1_000, 'respawn', args.kind, 3);
    args.kind = 'bear';
    expect(world.isDirty(camp)).toBe(true);
    expect(camp.timers.stored()).toEqual([{ at: clock.now() + 1_000, method: 'respawn', args: ['wolf', 3] }]);
    world.takeDirty();
    clock.advance(1_000);
    await turns();
    expect(camp.calls).toEqual([['wolf', 3]]);
    expect(camp.timers.stored()).toEqual([]);
    expect(world.isDirty(camp)).toBe(true);
  });

  it('refuses a schedule of something that is not a method or with arguments the store cannot hold', () => {
    const { camp } = setup();
    expect(() => camp.timers.schedule(10, 'calls')).toThrow(TypeError);
    expect(() => camp.timers.schedule(10, 'nothing')).toThrow(TypeError);
    expect(() => camp.timers.schedule(10, 'respawn', { 'a.b': 1 })).toThrow(/cannot be saved/);
    expect(() => camp.timers.schedule(10, 'respawn', () => 1)).toThrow(/cannot be saved/);
    expect(() => camp.timers.schedule(-1, 'respawn')).toThrow(RangeError);
    expect(camp.timers.size).toBe(0);
  });

  it('refuses an every interval that is not > 0, and an after delay below 0', () => {
    const { camp } = setup();
    expect(() => camp.timers.every(0, () => undefined)).toThrow(RangeError);
    expect(() => camp.timers.every(-5, () => undefined)).toThrow(RangeError);
    expect(() => camp.timers.every(Number.NaN, () => undefined)).toThrow(RangeError);
    expect(() => camp.timers.after(-1, () => undefined)).toThrow(RangeError);
    expect(camp.timers.size).toBe(0);
  });

  it('logs a callback that throws with the entity id, and keeps the queue going', async () => {
    const { clock, logger, camp } = setup();
    camp.timers.schedule(10, 'explode');
    camp.timers.after(20, () => camp.respawn('wolf', 1));
    clock.advance(20);
    await turns(10);
    expect(logger.at('error')).toMatchObject([{ message: 'entity timer callback failed', meta: { entityId: camp.id, type: 'Camp', method: 'explode' } }]);
    expect(camp.calls).toEqual([['wolf', 1]]);
  });

  it('caps the live timers of one entity', () => {
    const { camp } = setup({ maxTimersPerEntity: 2 });
    camp.timers.after(10, () => undefined);
    camp.timers.every(10, () => undefined);
    expect(() => camp.timers.after(10, () => undefined)).toThrow(RangeError);
  });

  it('restores saved timers on load: a due one fires at the next wake-up, a later one when due', async () => {
    const { clock, world } = setup();
    const now = clock.now();
    const camp = world.spawn(Camp, {
      id: 'camp-1',
      loaded: {
        version: 3,
        components: {},
        timers: [
          { at: now - 5_000, method: 'respawn', args: ['wolf', 1] },
          { at: now + 1_000, method: 'respawn', args: ['bear', 2] },
        ],
      },
    });
    expect(world.isDirty(camp)).toBe(false);
    clock.advance(0);
    await turns();
    expect(camp.calls).toEqual([['wolf', 1]]);
    clock.advance(1_000);
    await turns();
    expect(camp.calls).toEqual([['wolf', 1], ['bear', 2]]);
  });

  it('drops a saved timer whose method the entity no longer has, with an error line', () => {
    const { clock, logger, world } = setup();
    const camp = world.spawn(Camp, { loaded: { version: 1, components: {}, timers: [{ at: clock.now(), method: 'gone', args: [] }] } });
    expect(camp.timers.size).toBe(0);
    expect(logger.at('error')).toMatchObject([{ message: 'saved timer dropped: the entity has no such method', meta: { method: 'gone', entityId: camp.id } }]);
  });
});
