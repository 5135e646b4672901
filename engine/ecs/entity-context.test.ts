import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Mailbox } from '../cluster/discovery.js';
import { openLmdbStore } from '../persist/lmdb-store.js';
import type { Store } from '../persist/store.js';
import { startTestNodes, type TestNodes } from '../rpc/fixtures/test-nodes.js';
import type { RpcNode } from '../rpc/rpc-node.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { Component } from './component.js';
import { Entity } from './entity.js';
import { createEntityHost } from './entity-host.js';
import { EntityPersistence } from './entity-persistence.js';
import { EntityRegistry } from './entity-registry.js';
import { World } from './world.js';

class Vault extends Component {
  static override persist = ['gold'];
  static override serverCallable = ['deposit', 'balance'];
  gold = 0;
  deposit(amount: number): number {
    this.gold += amount;
    return this.gold;
  }
  balance(): number {
    return this.gold;
  }
}
class Bank extends Entity {
  static override components = [Vault];
}
class Greeter {
  hello(name: string): string {
    return `hello ${name}`;
  }
}
class Guard extends Entity {
  static override components = [];
}

const dir = await mkdtemp(join(tmpdir(), 'entity-context-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function localWorld() {
  const logger = new MemoryLogger();
  const registry = new EntityRegistry().register('Bank', Bank).register('Guard', Guard);
  return { logger, world: new World({ logger, clock: new ManualClock(), registry }) };
}

describe('the entity context without a host', () => {
  it('gives an entity a logger whose every line carries its id and type', () => {
    const { logger, world } = localWorld();
    const bank = world.spawn(Bank);
    bank.logger.info('opened', { gold: 3 });
    bank.get(Vault).entity.logger.warn('robbed');
    expect(logger.lines).toMatchObject([
      { level: 'info', message: 'opened', meta: { entityId: bank.id, type: 'Bank', gold: 3 } },
      { level: 'warn', message: 'robbed', meta: { entityId: bank.id, type: 'Bank' } },
    ]);
  });

  it('tells the time of its world\'s clock', () => {
    const clock = new ManualClock();
    const world = new World({ logger: new MemoryLogger(), clock, registry: new EntityRegistry().register('Bank', Bank) });
    const bank = world.spawn(Bank);
    clock.advance(1_500);
    expect(bank.now()).toBe(clock.now());
    bank.destroy();
    expect(() => bank.now()).toThrow(/destroyed/);
  });

  it('spawns entities into its own world and destroys itself', () => {
    const { world } = localWorld();
    const bank = world.spawn(Bank);
    const guard = bank.spawn(Guard, { id: 'guard-1' });
    expect(world.find('guard-1')).toBe(guard);
    expect(bank.spawn<Bank>('Bank').typeName).toBe('Bank');
    guard.destroy();
    guard.destroy();
    expect(guard.alive).toBe(false);
    expect(world.entityCount).toBe(2);
  });

  it('throws a clear Error for its mailbox, remote calls, load and unload', async () => {
    const { world } = localWorld();
    const bank = world.spawn(Bank);
    const noHost = /this world has no host/;
    expect(() => bank.mailbox).toThrow(noHost);
    expect(() => bank.remote({ serverId: 'lobby-2', entityId: 'x' })).toThrow(noHost);
    expect(() => bank.named('arena')).toThrow(noHost);
    expect(() => bank.service('lobby-2', 'chat')).toThrow(noHost);
    await expect(bank.load('Bank', 'x')).rejects.toThrow(noHost);
    await expect(bank.unload()).rejects.toThrow(noHost);
    expect(bank.alive).toBe(true);
  });
});

describe('the entity context with a host', () => {
  let nodes: TestNodes | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    await nodes?.stop();
    nodes = undefined;
    for (const store of stores.splice(0)) await store.close();
  });

  async function twoServers() {
    const names = new Map<string, Mailbox>();
    nodes = await startTestNodes(['a', 'b'], { resolveName: (name) => names.get(name) });
    const [a, b] = nodes.nodes as [RpcNode, RpcNode];
    const store = openLmdbStore({ path: dir });
    stores.push(store);
    const server = (node: RpcNode) => {
      const { world, logger } = localWorld();
      const clock = world.clock;
      const persistence = new EntityPersistence({ world, registry: new EntityRegistry().register('Bank', Bank).register('Guard', Guard), store, logger, clock, owner: node.serverId });
      node.targets.setEntities(world);
      world.setHost(createEntityHost({ rpc: node, persistence }));
      return { world, persistence };
    };
    return { a, b, names, serverA: server(a), serverB: server(b) };
  }

  it('has a mailbox on its server and calls entities and services anywhere in the cluster', async () => {
    const { b, names, serverA, serverB } = await twoServers();
    b.serve('greeter', new Greeter(), ['hello']);
    const guard = serverA.world.spawn(Guard);
    const bank = serverB.world.spawn(Bank);
    expect(guard.mailbox).toEqual({ serverId: 'a', entityId: guard.id });
    names.set('central-bank', bank.mailbox);
    expect(await guard.remote(bank.mailbox)['Vault']!['deposit']!(5)).toBe(5);
    expect(await guard.remote<{ Vault: Vault }>(bank.mailbox).Vault.deposit(5)).toBe(10);
    expect(await guard.named<{ Vault: Vault }>('central-bank').Vault.balance()).toBe(10);
    expect(await guard.service<Greeter>('b', 'greeter').hello('guard')).toBe('hello guard');
  });

  it('unloads itself (saved, claim given back) and is loaded on another server with its state', async () => {
    const { serverA, serverB } = await twoServers();
    const bank = serverA.world.spawn(Bank, { id: 'bank-1' });
    await serverA.persistence.flushDirty();
    bank.get(Vault).gold = 40;
    const guard = serverB.world.spawn(Guard);
    await expect(guard.load(Bank, 'bank-1')).rejects.toMatchObject({ code: 'STORE_ERR_OWNED' });
    await bank.unload();
    expect(bank.alive).toBe(false);
    expect(serverA.persistence.claimCount).toBe(0);
    const loaded = await guard.load(Bank, 'bank-1');
    expect(loaded?.get(Vault).gold).toBe(40);
    expect(serverB.world.find('bank-1')).toBe(loaded);
    expect(await guard.load('Bank', 'bank-1')).toBe(loaded);
  });

  it('takes one host per world', async () => {
    const { a, serverA } = await twoServers();
    expect(serverA.world.host?.serverId()).toBe('a');
    expect(() => serverA.world.setHost(createEntityHost({ rpc: a, persistence: serverA.persistence }))).toThrow(/a host is set already/);
  });

  it('loads nothing for an id the store does not hold, and keeps no claim on it', async () => {
    const { serverA } = await twoServers();
    const guard = serverA.world.spawn(Guard);
    expect(await guard.load('Bank', 'no-such-bank')).toBeUndefined();
    expect(serverA.persistence.claimCount).toBe(0);
  });

  it('refuses to load, as one type, an entity of another type that has the id here', async () => {
    const { serverA } = await twoServers();
    const guard = serverA.world.spawn(Guard, { id: 'guard-1' });
    await expect(guard.load(Bank, 'guard-1')).rejects.toThrow('load(Bank, guard-1): the entity with this id here is a Guard');
    expect(await guard.load(Guard, 'guard-1')).toBe(guard);
  });
});
