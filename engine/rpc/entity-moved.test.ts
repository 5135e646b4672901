import { afterEach, describe, expect, it } from 'vitest';
import { Component } from '../ecs/component.js';
import { Entity } from '../ecs/entity.js';
import { EntityQueue } from '../ecs/entity-queue.js';
import { EntityRegistry } from '../ecs/entity-registry.js';
import { World } from '../ecs/world.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { RpcError } from './errors.js';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';
import { MovedEntities } from './moved-entities.js';
import type { RpcNode } from './rpc-node.js';
import type { EntityForwards, SerialQueue } from './targets.js';

class Counter extends Component {
  static override serverCallable = ['add', 'note'];
  count = 0;
  notes: string[] = [];
  add(n: number): number {
    this.count += n;
    return this.count;
  }
  note(text: string): void {
    this.notes.push(text);
  }
}
class Thing extends Entity {
  static override components = [Counter];
}

/** A forwarding table a test sets by hand. */
class Forwards implements EntityForwards {
  readonly where = new Map<string, string | SerialQueue>();
  whereIs(id: string): string | SerialQueue | undefined {
    return this.where.get(id);
  }
}

let cluster: TestNodes | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function serverWithWorld(node: RpcNode) {
  const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry().register('Thing', Thing) });
  const forwards = new Forwards();
  node.targets.setEntities(world);
  node.targets.setForwards(forwards);
  return { world, forwards };
}

async function threeNodes(overrides = {}) {
  cluster = await startTestNodes(['a', 'b', 'c'], overrides);
  const [a, b, c] = cluster.nodes as [RpcNode, RpcNode, RpcNode];
  return { a, b: { node: b, ...serverWithWorld(b) }, c: { node: c, ...serverWithWorld(c) } };
}

/** Polls `done` until it holds (real sockets carry the calls). */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (err: unknown) => err);

describe('calls to an entity that moved', () => {
  it('follow the redirect of its old server to the new one, and later calls go straight there', async () => {
    const { a, b, c } = await threeNodes();
    const thing = c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'c');
    const old = { serverId: 'b', entityId: 'thing-1' };
    expect(await a.callEntity(old, 'Counter', 'add', [2])).toBe(2);
    expect(await a.callEntity(old, 'Counter', 'add', [3])).toBe(5);
    expect(thing.get(Counter).count).toBe(5);
    // The second call went to c at once: one redirect in all, and b saw only the first call.
    expect(a.stats().movedRedirects).toBe(1);
    expect(b.node.stats().callsReceived).toBe(1);
  });

  it('follow a chain of moves, and fail with RPC_ERR_ENTITY_MOVED past maxMovedHops', async () => {
    const { a, b, c } = await threeNodes({ maxMovedHops: 1 });
    c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'a');
    a.targets.setForwards({ whereIs: (id) => (id === 'thing-1' ? 'c' : undefined) });
    const err = await rejection(a.callEntity({ serverId: 'b', entityId: 'thing-1' }, 'Counter', 'add', [1]));
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('RPC_ERR_ENTITY_MOVED');
    expect((err as RpcError).detail).toBe('c');
  });

  it('wait in the queue of an entity that is leaving, then go where it went', async () => {
    const { a, b, c } = await threeNodes();
    const queue = new EntityQueue();
    let finishMove!: () => void;
    void queue.after(() => new Promise<void>((resolve) => (finishMove = resolve)));
    b.forwards.where.set('thing-1', queue);
    const call = a.callEntity({ serverId: 'b', entityId: 'thing-1' }, 'Counter', 'add', [7]);
    await until(() => queue.size === 2);
    c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'c');
    finishMove();
    expect(await call).toBe(7);
  });

  it('queued behind a move that failed are asked again on the same server, where the entity is back', async () => {
    const { a, b } = await threeNodes();
    const first = b.world.spawn(Thing, { id: 'thing-1' });
    let finishMove!: () => void;
    void first.queue.after(() => new Promise<void>((resolve) => (finishMove = resolve)));
    const call = a.callEntity({ serverId: 'b', entityId: 'thing-1' }, 'Counter', 'add', [4]);
    await until(() => first.queue.size === 2);
    // The move unloaded it and loaded it back: a new object under the same id.
    b.world.destroy(first);
    const back = b.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'b');
    finishMove();
    expect(await call).toBe(4);
    expect(back.get(Counter).count).toBe(4);
  });

  it('answer RPC_ERR_NO_SUCH_ENTITY when the forwarding record names the server itself but the entity is gone', async () => {
    const { a, b } = await threeNodes();
    b.forwards.where.set('thing-1', 'b');
    const err = await rejection(a.callEntity({ serverId: 'b', entityId: 'thing-1' }, 'Counter', 'add', [1]));
    expect((err as RpcError).code).toBe('RPC_ERR_NO_SUCH_ENTITY');
  });

  it('stop going to a remembered server once a call there fails, and ask the mailbox again', async () => {
    const { a, b, c } = await threeNodes();
    const thing = c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'c');
    const old = { serverId: 'b', entityId: 'thing-1' };
    await a.callEntity(old, 'Counter', 'add', [1]);
    c.world.destroy(thing);
    const back = b.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.delete('thing-1');
    expect(((await rejection(a.callEntity(old, 'Counter', 'add', [1]))) as RpcError).code).toBe('RPC_ERR_NO_SUCH_ENTITY');
    expect(await a.callEntity(old, 'Counter', 'add', [1])).toBe(1);
    expect(back.get(Counter).count).toBe(1);
  });

  it('keep their deadline across redirects', async () => {
    const { a, b, c } = await threeNodes();
    c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'c');
    const queue = new EntityQueue();
    void queue.after(() => new Promise<void>(() => {}));
    c.forwards.where.set('thing-2', queue);
    b.forwards.where.set('thing-2', 'c');
    const err = await rejection(a.callEntity({ serverId: 'b', entityId: 'thing-2' }, 'Counter', 'add', [1], { timeoutMs: 50 }));
    expect((err as RpcError).code).toBe('RPC_ERR_DEADLINE_EXCEEDED');
  });
});

describe('notifications to an entity that moved', () => {
  it('are sent on by its old server', async () => {
    const { a, b, c } = await threeNodes();
    const thing = c.world.spawn(Thing, { id: 'thing-1' });
    b.forwards.where.set('thing-1', 'c');
    a.notifyEntity({ serverId: 'b', entityId: 'thing-1' }, 'Counter', 'note', ['hi']);
    await until(() => thing.get(Counter).notes.length > 0);
    expect(thing.get(Counter).notes).toEqual(['hi']);
  });
});

describe('MovedEntities', () => {
  it('forgets the entry learned longest ago past its cap, and an entry back on its own server', () => {
    const moved = new MovedEntities(2);
    moved.learn({ serverId: 'a', entityId: '1' }, 'b');
    moved.learn({ serverId: 'a', entityId: '2' }, 'b');
    moved.learn({ serverId: 'a', entityId: '3' }, 'c');
    expect(moved.size).toBe(2);
    expect(moved.serverFor({ serverId: 'a', entityId: '1' })).toBe('a');
    expect(moved.serverFor({ serverId: 'a', entityId: '3' })).toBe('c');
    moved.learn({ serverId: 'a', entityId: '3' }, 'a');
    expect(moved.serverFor({ serverId: 'a', entityId: '3' })).toBe('a');
    expect(moved.size).toBe(1);
    expect(() => new MovedEntities(0)).toThrow(RangeError);
  });
});
