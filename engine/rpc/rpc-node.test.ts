import { afterEach, describe, expect, it } from 'vitest';
import { Component } from '../ecs/component.js';
import { Entity } from '../ecs/entity.js';
import { EntityRegistry } from '../ecs/entity-registry.js';
import { World } from '../ecs/world.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { RemoteError, RpcError } from './errors.js';
import { startTestNodes, type TestNodes } from './fixtures/test-nodes.js';
import type { RpcNode } from './rpc-node.js';

class Wallet extends Component {
  static override serverCallable = ['deposit', 'snapshot', 'fail'];
  static override clientCallable = ['peek'];
  gold = 0;
  deposit(amount: number): number {
    this.gold += amount;
    return this.gold;
  }
  snapshot(into: { seen?: boolean }): { gold: number; into: unknown } {
    into.seen = true; // must not reach the caller's object
    return { gold: this.gold, into };
  }
  fail(): never {
    throw Object.assign(new Error('not enough gold'), { code: 'GAME_ERR_POOR' });
  }
  peek(): number {
    return this.gold;
  }
}
class Player extends Entity {
  static override components = [Wallet];
}

class Greeter {
  calls: string[] = [];
  hello(name: string): string {
    this.calls.push(name);
    return `hello ${name}`;
  }
  async later(name: string): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    return `later ${name}`;
  }
  never(): Promise<never> {
    return new Promise(() => {});
  }
  broken(): never {
    throw new Error('plain failure');
  }
  unencodable(): unknown {
    return { f: () => 1 };
  }
  secret(): string {
    return 'not listed';
  }
}
const GREETER_METHODS = ['hello', 'later', 'never', 'broken', 'unencodable'];

let cluster: TestNodes | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function twoNodes(overrides = {}) {
  cluster = await startTestNodes(['a', 'b'], overrides);
  const [a, b] = cluster.nodes as [NonNullable<TestNodes['nodes'][0]>, NonNullable<TestNodes['nodes'][0]>];
  const greeter = new Greeter();
  b.serve('greeter', greeter, GREETER_METHODS);
  a.serve('greeter', new Greeter(), GREETER_METHODS);
  return { a, b, greeter, cluster };
}

function worldWithPlayer(clock = new ManualClock()) {
  const world = new World({ logger: new MemoryLogger(), clock, registry: new EntityRegistry().register('Player', Player) });
  return { world, player: world.spawn(Player) };
}

const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'resolved', (err: unknown) => err);

describe('RpcNode calls between two servers', () => {
  it('calls a service method and returns its result, sync or async', async () => {
    const { a, greeter } = await twoNodes();
    await expect(a.call('b', 'greeter', 'hello', ['ann'])).resolves.toBe('hello ann');
    await expect(a.service<Greeter>('b', 'greeter').later('bob')).resolves.toBe('later bob');
    expect(greeter.calls).toEqual(['ann']);
  });

  it('delivers notifications without a reply, in order with calls', async () => {
    const { a, greeter } = await twoNodes();
    a.notify('b', 'greeter', 'hello', ['one']);
    a.notify('b', 'greeter', 'hello', ['two']);
    await a.call('b', 'greeter', 'hello', ['three']);
    expect(greeter.calls).toEqual(['one', 'two', 'three']);
  });

  it('returns a handler exception as a RemoteError with its code and message', async () => {
    const { a } = await twoNodes();
    const err = await rejection(a.call('b', 'greeter', 'broken', []));
    expect(err).toBeInstanceOf(RemoteError);
    expect(err).toMatchObject({ code: 'REMOTE_ERR_UNCODED', remoteMessage: 'plain failure', serverId: 'b' });
  });

  it('returns anything a handler throws as a RemoteError: null, strings, unprintable objects', async () => {
    const { a, b } = await twoNodes();
    const odd = [null, 'text', 42, Object.create(null), { code: 7 }];
    b.serve('odd', { sync: (i: number) => { throw odd[i]; }, async: async (i: number) => { throw odd[i]; } }, ['sync', 'async']);
    for (const method of ['sync', 'async']) {
      for (let i = 0; i < odd.length; i++) {
        await expect(a.call('b', 'odd', method, [i])).rejects.toMatchObject({ name: 'RemoteError', code: 'REMOTE_ERR_UNCODED' });
      }
    }
    await expect(a.call('b', 'greeter', 'hello', ['still fine'])).resolves.toBe('hello still fine');
    expect(a.stats().links).toBe(1);
  });

  it('answers unknown services and unlisted methods with coded errors', async () => {
    const { a } = await twoNodes();
    await expect(a.call('b', 'nobody', 'hello', [])).rejects.toMatchObject({ code: 'RPC_ERR_NO_SUCH_SERVICE', wireCode: 2006 });
    for (const method of ['secret', 'constructor', '__proto__', 'toString']) {
      await expect(a.call('b', 'greeter', method, [])).rejects.toMatchObject({ code: 'RPC_ERR_NOT_CALLABLE', wireCode: 2009 });
    }
  });

  it('calls an entity component through a remote proxy; only serverCallable methods are reachable', async () => {
    const { a, b } = await twoNodes();
    const { world, player } = worldWithPlayer();
    b.targets.setEntities(world);
    const mailbox = { serverId: 'b', entityId: player.id };
    const remote = a.remote<{ Wallet: Wallet }>(mailbox);
    await expect(remote.Wallet.deposit(5)).resolves.toBe(5);
    await expect(remote.Wallet.deposit(7)).resolves.toBe(12);
    expect(player.get(Wallet).gold).toBe(12);
    await expect(remote.Wallet.fail()).rejects.toMatchObject({ name: 'RemoteError', code: 'GAME_ERR_POOR', remoteMessage: 'not enough gold' });
    await expect(remote.Wallet.peek()).rejects.toMatchObject({ code: 'RPC_ERR_NOT_CALLABLE' });
    await expect(a.remote(mailbox)['Stats']!['x']!()).rejects.toMatchObject({ code: 'RPC_ERR_NO_SUCH_COMPONENT', wireCode: 2008 });
    await expect(a.remote({ serverId: 'b', entityId: 'gone' })['Wallet']!['deposit']!(1)).rejects.toMatchObject({ code: 'RPC_ERR_NO_SUCH_ENTITY', wireCode: 2007 });
  });

  it('closes only the link when handling a frame fails inside this server, and logs it', async () => {
    const { a, b, cluster } = await twoNodes();
    b.targets.setEntities({
      find: () => {
        throw new Error('directory broke');
      },
    });
    await expect(a.remote({ serverId: 'b', entityId: 'x' })['Wallet']!['deposit']!(1)).rejects.toMatchObject({ code: 'RPC_ERR_LINK_LOST' });
    expect(cluster.logger.at('error').map((line) => line.message)).toContain('rpc: failed handling a frame; closing the link');
    await expect(a.call('b', 'greeter', 'hello', ['again'])).resolves.toBe('hello again');
  });

  it('is not a thenable, so it can be returned from async code', async () => {
    const { a } = await twoNodes();
    const proxy = a.remote({ serverId: 'b', entityId: 'x' });
    expect(await Promise.resolve(proxy)).toBe(proxy);
  });

  it('refuses arguments and results that cannot be encoded', async () => {
    const { a } = await twoNodes();
    await expect(a.call('b', 'greeter', 'hello', [() => 1])).rejects.toMatchObject({ code: 'RPC_ERR_ENCODING', wireCode: 2010 });
    await expect(a.call('b', 'greeter', 'unencodable', [])).rejects.toMatchObject({ code: 'RPC_ERR_ENCODING' });
  });

  it('fails calls to a server nobody knows, or that does not answer', async () => {
    const { a, cluster } = await twoNodes();
    await expect(a.call('zed', 'greeter', 'hello', [])).rejects.toMatchObject({ code: 'RPC_ERR_UNKNOWN_SERVER', wireCode: 2005 });
    const { freePort } = await import('../testing/free-port.js');
    cluster.addresses.set('ghost', `127.0.0.1:${await freePort()}`);
    await expect(a.call('ghost', 'greeter', 'hello', [], { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE', wireCode: 2004 });
  });

  it('dials again after the backoff once an unreachable peer comes up, and calls go through', async () => {
    const clock = new ManualClock();
    const { a, cluster } = await twoNodes({ clock, reconnect: { baseMs: 1_000, maxMs: 1_000 } });
    const { freePort } = await import('../testing/free-port.js');
    const port = await freePort();
    cluster.addresses.set('late', `127.0.0.1:${port}`);
    await expect(a.call('late', 'greeter', 'hello', ['1'], { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE' });
    const { startTestNodes: start } = await import('./fixtures/test-nodes.js');
    const late = await start(['late'], { port });
    late.addresses.set('a', a.address); // the late server's discovery knows the caller
    try {
      late.nodes[0]!.serve('greeter', new Greeter(), GREETER_METHODS);
      // Within the backoff the call waits in the queue; the dial goes out when it ends.
      const waiting = a.call('late', 'greeter', 'hello', ['2'], { timeoutMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(late.nodes[0]!.stats().callsReceived).toBe(0);
      clock.advance(1_000);
      await expect(waiting).resolves.toBe('hello 2');
    } finally {
      await late.stop();
    }
  });

  it('fails a call at once with RPC_ERR_UNKNOWN_SERVER when its server leaves the cluster while it waits to dial', async () => {
    const clock = new ManualClock();
    const { a, cluster } = await twoNodes({ clock, reconnect: { baseMs: 1_000, maxMs: 1_000 } });
    const { freePort } = await import('../testing/free-port.js');
    cluster.addresses.set('gone', `127.0.0.1:${await freePort()}`);
    await expect(a.call('gone', 'greeter', 'hello', [], { timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE' });
    const waiting = a.call('gone', 'greeter', 'hello', [], { timeoutMs: 60_000 }).catch((err: unknown) => err);
    cluster.addresses.delete('gone');
    clock.advance(1_000);
    expect(await waiting).toMatchObject({ code: 'RPC_ERR_UNKNOWN_SERVER' });
    expect(a.stats()).toMatchObject({ pendingCalls: 0, peers: 0 });
  });

  it('fails pending calls at once with RPC_ERR_LINK_LOST when the callee goes away', async () => {
    const { a, b } = await twoNodes();
    const pending = rejection(a.call('b', 'greeter', 'never', [], { timeoutMs: 60_000 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.stop();
    expect(await pending).toMatchObject({ code: 'RPC_ERR_LINK_LOST', wireCode: 2002 });
    await expect(a.call('b', 'greeter', 'hello', [])).rejects.toMatchObject({ code: 'RPC_ERR_PEER_UNREACHABLE' });
  });

  it('rejects calls beyond the send queue cap with RPC_ERR_OVERLOADED instead of queueing them', async () => {
    const { a } = await twoNodes({ link: { maxQueuedBytes: 64 * 1024 } });
    const big = 'x'.repeat(8 * 1024);
    const results = await Promise.all(Array.from({ length: 20 }, () => rejection(a.call('b', 'greeter', 'hello', [big]))));
    const overloaded = results.filter((r) => r instanceof RpcError && r.code === 'RPC_ERR_OVERLOADED');
    expect(overloaded.length).toBeGreaterThan(0);
    expect(overloaded.length).toBeLessThan(20);
    expect(results.filter((r) => r === 'resolved')).toHaveLength(20 - overloaded.length);
    await expect(a.call('b', 'greeter', 'hello', ['after'])).resolves.toBe('hello after');
  });

  it('rejects calls beyond the pending-call cap with RPC_ERR_OVERLOADED', async () => {
    const { a } = await twoNodes({ maxPendingCalls: 2 });
    const first = [a.call('b', 'greeter', 'later', ['1']), a.call('b', 'greeter', 'later', ['2'])];
    await expect(a.call('b', 'greeter', 'later', ['3'])).rejects.toMatchObject({ code: 'RPC_ERR_OVERLOADED', wireCode: 2003 });
    await expect(Promise.all(first)).resolves.toEqual(['later 1', 'later 2']);
  });

  it('refuses calls past the in-flight cap of the callee with RPC_ERR_OVERLOADED, and logs it once', async () => {
    const { a, b, cluster } = await twoNodes({ maxInFlight: 2 });
    const stuck = [a.call('b', 'greeter', 'never', [], { timeoutMs: 60_000 }), a.call('b', 'greeter', 'never', [], { timeoutMs: 60_000 })];
    for (const call of stuck) call.catch(() => {});
    while (b.stats().callsReceived < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(a.call('b', 'greeter', 'hello', ['x'])).rejects.toMatchObject({ code: 'RPC_ERR_OVERLOADED' });
    a.notify('b', 'greeter', 'hello', ['dropped']);
    await expect(a.call('b', 'greeter', 'hello', ['y'])).rejects.toMatchObject({ code: 'RPC_ERR_OVERLOADED' });
    expect(b.stats().refused).toBe(3);
    expect(cluster.logger.at('warn').filter((line) => line.message.includes('in-flight cap'))).toHaveLength(1);
  });

  it('settles crossed dials on one link that both directions share', async () => {
    const { a, b } = await twoNodes();
    const results = await Promise.all([a.call('b', 'greeter', 'hello', ['from a']), b.call('a', 'greeter', 'hello', ['from b'])]);
    expect(results).toEqual(['hello from a', 'hello from b']);
    await expect(Promise.all([a.call('b', 'greeter', 'hello', ['x']), b.call('a', 'greeter', 'hello', ['y'])])).resolves.toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.stats().links).toBe(1);
    expect(b.stats().links).toBe(1);
  });

  it('fails pending and later calls with RPC_ERR_CLOSED when stopped', async () => {
    const { a, b } = await twoNodes();
    const pending = rejection(a.call('b', 'greeter', 'never', [], { timeoutMs: 60_000 }));
    while (b.stats().callsReceived === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await a.stop();
    expect(await pending).toMatchObject({ code: 'RPC_ERR_CLOSED' });
    await expect(a.call('b', 'greeter', 'hello', [])).rejects.toMatchObject({ code: 'RPC_ERR_CLOSED', wireCode: 2013 });
  });

  it('fails calls to a name no mailbox holds with RPC_ERR_UNKNOWN_NAME', async () => {
    const { a } = await twoNodes();
    await expect(a.named('arena')['Arena']!['join']!()).rejects.toMatchObject({ code: 'RPC_ERR_UNKNOWN_NAME', wireCode: 2014 });
  });

  it('carries the trace id to the handler', async () => {
    const seen: (string | undefined)[] = [];
    let current: string | undefined;
    const trace = {
      current: () => current,
      run: <T>(id: string, fn: () => T): T => {
        current = id;
        try {
          return fn();
        } finally {
          current = undefined;
        }
      },
    };
    const { a, b } = await twoNodes({ trace });
    b.serve('probe', { see: () => seen.push(trace.current()) }, ['see']);
    await a.call('b', 'probe', 'see', [], { traceId: 'trace-1' });
    await trace.run('trace-2', () => a.call('b', 'probe', 'see', []));
    expect(seen).toEqual(['trace-1', 'trace-2']);
  });
});

describe('RpcNode calls within one process', () => {
  it('copies arguments and results through the codec and keeps error semantics', async () => {
    const { a } = await twoNodes();
    const { world, player } = worldWithPlayer();
    a.targets.setEntities(world);
    const mine = { seen: false };
    const reply = (await a.remote<{ Wallet: Wallet }>({ serverId: 'a', entityId: player.id }).Wallet.snapshot(mine)) as { into: { seen: boolean } };
    expect(mine.seen).toBe(false);
    expect(reply.into.seen).toBe(true);
    await expect(a.call('a', 'greeter', 'broken', [])).rejects.toBeInstanceOf(RemoteError);
    await expect(a.call('a', 'greeter', 'secret', [])).rejects.toMatchObject({ code: 'RPC_ERR_NOT_CALLABLE' });
    await expect(a.call('a', 'greeter', 'hello', [Symbol('x')])).rejects.toMatchObject({ code: 'RPC_ERR_ENCODING' });
    expect(a.stats().links).toBe(0);
  });

  it('hands the callee what a socket would, shares nothing mutable, and runs calls and notifications in the order sent', async () => {
    const { a, b } = await twoNodes();
    const seen: unknown[] = [];
    const echo = { echo: (...args: unknown[]) => args, note: (value: unknown) => void seen.push(value), record: (...values: unknown[]) => seen.push(values) };
    a.serve('echo', echo, ['echo', 'note', 'record']);
    b.serve('echo', echo, ['echo', 'note', 'record']);
    const args = ['text', 7, -1.5, true, null, undefined, new Uint8Array([1, 2]), { nested: [undefined, new Date(5)] }, [1, [2]]];
    const local = await a.call('a', 'echo', 'echo', args);
    expect(local).toEqual(await a.call('b', 'echo', 'echo', args));
    expect(local).toEqual(['text', 7, -1.5, true, null, null, Buffer.from([1, 2]), { nested: [null, new Date(5)] }, [1, [2]]]);
    const mine = { n: 1 };
    const bytes = new Uint8Array([9]);
    const sent: unknown[] = [mine, bytes];
    const order = [a.call('a', 'echo', 'record', sent), a.notify('a', 'echo', 'note', ['second']), a.call('a', 'echo', 'record', ['third'])];
    mine.n = 2;
    bytes[0] = 0;
    sent[0] = 'swapped';
    await Promise.all(order);
    expect(seen).toEqual([[{ n: 1 }, Buffer.from([9])], 'second', ['third']]);
  });
});

describe('RpcNode deadlines', () => {
  it('fails a call with RPC_ERR_DEADLINE_EXCEEDED, locally and remotely, and the callee sends no late reply', async () => {
    const clock = new ManualClock();
    const { a, b } = await twoNodes({ clock });
    let release: (value: string) => void = () => {};
    b.serve('slow', { wait: () => new Promise<string>((resolve) => (release = resolve)) }, ['wait']);
    const remote = rejection(a.call('b', 'slow', 'wait', [], { timeoutMs: 1_000 }));
    const local = rejection(a.call('a', 'greeter', 'never', [], { timeoutMs: 1_000 }));
    while (b.stats().callsReceived === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    clock.advance(1_001);
    expect(await remote).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED', wireCode: 2001 });
    expect(await local).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    release('too late');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.stats().expiredReplies).toBe(1);
  });

  it('refuses a timeout that is not a finite number >= 0 before sending anything', async () => {
    const { a, b } = await twoNodes();
    for (const timeoutMs of [-1, Number.NaN, Infinity]) {
      await expect(a.call('b', 'greeter', 'hello', ['x'], { timeoutMs })).rejects.toBeInstanceOf(RangeError);
    }
    expect(a.stats().pendingCalls).toBe(0);
    expect(b.stats().callsReceived).toBe(0);
  });

  it('drops a call whose budget is spent on arrival without running it', async () => {
    const { a, b, greeter } = await twoNodes();
    await a.call('b', 'greeter', 'hello', ['open the link']);
    await expect(a.call('b', 'greeter', 'hello', ['x'], { timeoutMs: 0 })).rejects.toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    await a.call('b', 'greeter', 'hello', ['y']);
    expect(b.stats().expiredOnArrival).toBe(1);
    expect(greeter.calls).toEqual(['open the link', 'y']);
  });
});

describe('RpcNode calls to an entity with a queue', () => {
  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  // Calls on one link arrive in order: once a later service call is answered, the entity call is queued.
  // The outcome, a value or an error, is wrapped: an async function returning a promise would wait for it.
  async function queuedCall(a: RpcNode, b: RpcNode, call: Promise<unknown>): Promise<{ outcome: Promise<unknown> }> {
    const outcome = call.catch((err: unknown) => err);
    await a.call('b', 'greeter', 'hello', ['after the entity call']);
    expect(b.stats().callsReceived).toBe(2);
    return { outcome };
  }

  it('runs a server call after the work queued in the entity before it', async () => {
    const { a, b } = await twoNodes();
    const { world, player } = worldWithPlayer();
    b.targets.setEntities(world);
    const busy = deferred();
    void player.queue.offer(() => busy.promise);
    const { outcome: deposit } = await queuedCall(a, b, a.remote<{ Wallet: Wallet }>({ serverId: 'b', entityId: player.id }).Wallet.deposit(5));
    expect(player.queue.size).toBe(2);
    expect(player.get(Wallet).gold).toBe(0);
    busy.resolve();
    expect(await deposit).toBe(5);
  });

  it('answers RPC_ERR_QUEUE_FULL when the entity queue is full, and logs a refused notification', async () => {
    const { a, b, cluster } = await twoNodes();
    const world = new World({ logger: new MemoryLogger(), clock: new ManualClock(), registry: new EntityRegistry().register('Player', Player), queueLimit: 1 });
    const player = world.spawn(Player);
    b.targets.setEntities(world);
    const busy = deferred();
    void player.queue.offer(() => busy.promise);
    const mailbox = { serverId: 'b', entityId: player.id };
    await expect(a.callEntity(mailbox, 'Wallet', 'deposit', [5])).rejects.toMatchObject({ name: 'RpcError', code: 'RPC_ERR_QUEUE_FULL', wireCode: 2015 });
    a.notifyEntity(mailbox, 'Wallet', 'deposit', [5]);
    await a.call('b', 'greeter', 'hello', ['after the notification']);
    expect(cluster.logger.at('warn')).toMatchObject([{ message: 'rpc: notification failed', meta: { err: { code: 'RPC_ERR_QUEUE_FULL' } } }]);
    busy.resolve();
    await expect(a.callEntity(mailbox, 'Wallet', 'deposit', [5])).resolves.toBe(5);
  });

  it('answers RPC_ERR_NO_SUCH_ENTITY for a call whose entity left while it waited', async () => {
    const { a, b } = await twoNodes();
    const { world, player } = worldWithPlayer();
    b.targets.setEntities(world);
    const busy = deferred();
    void player.queue.offer(() => busy.promise);
    const { outcome: deposit } = await queuedCall(a, b, a.callEntity({ serverId: 'b', entityId: player.id }, 'Wallet', 'deposit', [5]));
    world.destroy(player);
    busy.resolve();
    expect(await deposit).toMatchObject({ code: 'RPC_ERR_NO_SUCH_ENTITY', wireCode: 2007 });
  });

  it('does not run a call whose deadline passed while it waited in the queue', async () => {
    const clock = new ManualClock();
    const { a, b } = await twoNodes({ clock });
    const { world, player } = worldWithPlayer();
    b.targets.setEntities(world);
    const busy = deferred();
    void player.queue.offer(() => busy.promise);
    const { outcome: deposit } = await queuedCall(a, b, a.callEntity({ serverId: 'b', entityId: player.id }, 'Wallet', 'deposit', [5], { timeoutMs: 1_000 }));
    clock.advance(1_001);
    expect(await deposit).toMatchObject({ code: 'RPC_ERR_DEADLINE_EXCEEDED' });
    busy.resolve();
    await player.queue.settle(clock, 1_000);
    expect(player.get(Wallet).gold).toBe(0);
    expect(b.stats().expiredReplies).toBe(1);
  });
});
