import { describe, expect, it } from 'vitest';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { PlayerEntity } from './player-entity.js';
import { runPlayerHook } from './player-hooks.js';

class Hero extends PlayerEntity {
  static override components = [];
  readonly calls: string[] = [];
  behaviour: 'ok' | 'throw' | 'reject' | 'hang' = 'ok';

  override onOnline(): void | Promise<void> {
    this.calls.push('onOnline');
    if (this.behaviour === 'throw') throw new Error('bug in onOnline');
    if (this.behaviour === 'reject') return Promise.reject(new Error('late bug'));
    if (this.behaviour === 'hang') return new Promise(() => {});
  }
  override onOffline(reason: string): void {
    this.calls.push(`onOffline ${reason}`);
  }
}

function setup() {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const world = new World({ logger, clock, registry: new EntityRegistry().register('Hero', Hero) });
  const hero = world.spawn(Hero);
  const context = { clock, logger, maxWaitMs: 1_000, sessionId: 's1' };
  return { clock, logger, hero, context };
}

describe('runPlayerHook', () => {
  it('calls the hook with its arguments on the entity, and by default onRebound calls onOnline', async () => {
    const { hero, context, clock } = setup();
    await runPlayerHook(hero, 'onOnline', [], context);
    await runPlayerHook(hero, 'onRebound', [], context);
    await runPlayerHook(hero, 'onOffline', ['client left'], context);
    expect(hero.calls).toEqual(['onOnline', 'onOnline', 'onOffline client left']);
    expect(clock.pendingCount).toBe(0);
  });

  it('logs a hook that throws or rejects at error with the entity id, and returns', async () => {
    const { hero, context, logger } = setup();
    hero.behaviour = 'throw';
    await runPlayerHook(hero, 'onOnline', [], context);
    hero.behaviour = 'reject';
    await runPlayerHook(hero, 'onOnline', [], context);
    expect(logger.at('error').map((l) => [l.message, l.meta.entityId, l.meta.sessionId, (l.meta.err as Error).message])).toEqual([
      ['lobby: onOnline threw', hero.id, 's1', 'bug in onOnline'],
      ['lobby: onOnline threw', hero.id, 's1', 'late bug'],
    ]);
  });

  it('goes on after maxWaitMs on the injected clock when a hook never settles, and warns', async () => {
    const { hero, context, logger, clock } = setup();
    hero.behaviour = 'hang';
    let done = false;
    const run = runPlayerHook(hero, 'onOnline', [], context).then(() => (done = true));
    await Promise.resolve();
    clock.advance(999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await run;
    expect(logger.at('warn')).toEqual([expect.objectContaining({ message: 'lobby: onOnline still running after 1000 ms; going on', meta: expect.objectContaining({ entityId: hero.id }) })]);
  });

  it('runs the hook in the entity queue: after the work queued before it, and before the work queued while it runs', async () => {
    const { hero, context } = setup();
    const order: string[] = [];
    let releaseEarlier!: () => void;
    const earlier = hero.queue.after(() => new Promise<void>((resolve) => (releaseEarlier = resolve)).then(() => void order.push('earlier task')));
    let releaseHook!: () => void;
    hero.onOffline = async (reason: string) => {
      order.push(`onOffline ${reason} starts`);
      await new Promise<void>((resolve) => (releaseHook = resolve));
      order.push('onOffline ends');
    };
    const hook = runPlayerHook(hero, 'onOffline', ['client left'], context);
    await Promise.resolve();
    expect(order).toEqual([]);
    releaseEarlier();
    await earlier;
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual(['earlier task', 'onOffline client left starts']);
    const later = hero.queue.offer(() => void order.push('later task'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(order).toEqual(['earlier task', 'onOffline client left starts']);
    releaseHook();
    await hook;
    await later;
    expect(order).toEqual(['earlier task', 'onOffline client left starts', 'onOffline ends', 'later task']);
  });

  it('does not call the hook of an entity that left the world before its turn', async () => {
    const { hero, context } = setup();
    hero.destroy();
    await runPlayerHook(hero, 'onOnline', [], context);
    expect(hero.calls).toEqual([]);
  });
});
