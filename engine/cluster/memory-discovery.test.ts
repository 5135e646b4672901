import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { ManualClock } from '../timer/clock.js';
import { describeDiscoveryContract, type DiscoveryTestCluster, type TestMember } from './discovery.contract.js';
import type { DiscoveryEvent, Registration } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { MemoryCluster, MemoryDiscovery } from './memory-discovery.js';

const SHORT_LEASE_MS = 2_000;
const LONG_LEASE_MS = 600_000;

// Lets every queued microtask and promise callback run.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function memoryCluster(): DiscoveryTestCluster {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  const members: TestMember[] = [];
  return {
    shortLeaseMs: SHORT_LEASE_MS,
    async member(options) {
      const leaseTtlMs = options?.shortLease ? SHORT_LEASE_MS : LONG_LEASE_MS;
      const member = new MemoryDiscovery({ cluster, clock, logger: new MemoryLogger(), leaseTtlMs });
      members.push(member);
      if (options?.start !== false) await member.start();
      return member;
    },
    async eventually(condition, withinMs, what) {
      const end = clock.now() + withinMs;
      for (;;) {
        await settle();
        if (condition()) return;
        if (clock.now() >= end) throw new Error(`not within ${withinMs} ms of clock time: ${what}`);
        clock.advance(Math.min(50, end - clock.now()));
      }
    },
    async close() {
      for (const m of members) await m.stop();
    },
  };
}

describeDiscoveryContract('memory', async () => memoryCluster());

const registration: Registration = {
  type: 'lobby',
  host: 'h',
  address: '127.0.0.1:7000',
  version: '1',
  startedAt: 0,
  load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 },
};

function setup(leaseTtlMs = 3_000) {
  const clock = new ManualClock();
  const cluster = new MemoryCluster({ clock });
  const logger = new MemoryLogger();
  const member = async (): Promise<MemoryDiscovery> => {
    const m = new MemoryDiscovery({ cluster, clock, logger, leaseTtlMs });
    await m.start();
    return m;
  };
  return { clock, cluster, logger, member };
}

describe('MemoryDiscovery', () => {
  it('removes a crashed member exactly when its lease runs out, counted from its last renewal', async () => {
    const { clock, member } = setup(3_000);
    const [a, o] = [await member(), await member()];
    const A = await a.register(registration);
    clock.advance(2_500); // renewed at 1,000 and 2,000
    await a.simulateCrash();
    clock.advance(2_499);
    expect(o.server(A.id)).toBeDefined();
    clock.advance(1);
    expect(o.server(A.id)).toBeUndefined();
  });

  it('keeps a live member registered for as long as it renews', async () => {
    const { clock, member } = setup(3_000);
    const a = await member();
    const A = await a.register(registration);
    clock.advance(60_000);
    expect(a.server(A.id)).toEqual(A);
  });

  it('delivers events after the call that caused them, in order', async () => {
    const { member } = setup();
    const [o, a] = [await member(), await member()];
    const events: DiscoveryEvent[] = [];
    o.subscribe((e) => events.push(e));
    const registered = a.register(registration);
    expect(events).toEqual([]);
    const A = await registered;
    await settle();
    expect(events).toEqual([{ type: 'added', server: A }]);
    void a.reportLoad({ ...registration.load, sessions: 1 });
    void a.reportLoad({ ...registration.load, sessions: 2 });
    expect(events).toHaveLength(1);
    await settle();
    expect(events.map((e) => e.type)).toEqual(['added', 'updated', 'updated']);
    expect(events[0]).toEqual({ type: 'added', server: A });
  });

  it('registers again under the same id, with its names, after its lease is lost', async () => {
    const { clock, cluster, logger, member } = setup(3_000);
    const [a, o] = [await member(), await member()];
    const A = await a.register(registration);
    await a.claimName('boss', { serverId: A.id, entityId: 'e1' });
    const own: DiscoveryEvent[] = [];
    const seen: DiscoveryEvent[] = [];
    a.subscribe((e) => own.push(e));
    o.subscribe((e) => seen.push(e));

    expect(cluster.expireServer(A.id)).toBe(true);
    expect(o.server(A.id)).toBeUndefined();
    expect(o.resolveName('boss')).toBeUndefined();
    clock.advance(1_000); // the next renewal finds the lease gone
    await settle();

    expect(own.map((e) => e.type)).toEqual(['removed', 'self-lost', 'added', 'self-registered']);
    expect(own[3]).toEqual({ type: 'self-registered', server: A });
    expect(seen.map((e) => e.type)).toEqual(['removed', 'added']);
    expect(o.server(A.id)).toEqual(A);
    expect(o.resolveName('boss')).toEqual({ serverId: A.id, entityId: 'e1' });
    expect(logger.at('warn').map((l) => l.message)).toContain('discovery lease lost; registering again');
    expect(cluster.expireServer('nobody')).toBe(false);
  });

  it('gives up a name that another member took while its lease was lost', async () => {
    const { clock, cluster, logger, member } = setup(3_000);
    const [a, b] = [await member(), await member()];
    const A = await a.register(registration);
    const B = await b.register(registration);
    await a.claimName('arena', { serverId: A.id, entityId: 'a1' });
    cluster.expireServer(A.id);
    expect(await b.claimName('arena', { serverId: B.id, entityId: 'b1' })).toBe(true);
    clock.advance(1_000);
    expect(a.server(A.id)).toEqual(A);
    expect(a.resolveName('arena')).toEqual({ serverId: B.id, entityId: 'b1' });
    expect(logger.at('warn').map((l) => l.message)).toContain('name taken by another server while the lease was lost');
    // Releasing it now must not touch b's claim.
    await a.releaseName('arena');
    expect(b.resolveName('arena')).toEqual({ serverId: B.id, entityId: 'b1' });
  });

  it('publishes a load report that finds its lease gone by registering again with it', async () => {
    const { cluster, member } = setup(3_000);
    const [a, o] = [await member(), await member()];
    const A = await a.register(registration);
    cluster.expireServer(A.id);
    await a.reportLoad({ ...registration.load, sessions: 5 });
    expect(o.server(A.id)?.load.sessions).toBe(5);
  });

  it('keeps the draining mark across a lost lease: it registers again still draining', async () => {
    const { clock, cluster, member } = setup(3_000);
    const [a, o] = [await member(), await member()];
    const A = await a.register(registration);
    await a.markDraining();
    cluster.expireServer(A.id);
    expect(o.server(A.id)).toBeUndefined();
    clock.advance(1_000); // the next renewal finds the lease gone
    expect(o.server(A.id)).toEqual({ ...A, draining: true });
  });

  it('stays lost while another member holds its id, refusing claims with DISCOVERY_ERR_UNAVAILABLE', async () => {
    const { clock, cluster, logger, member } = setup(3_000);
    const [a, b] = [await member(), await member()];
    const A = await a.register({ ...registration, id: 'lobby-x' });
    cluster.expireServer('lobby-x');
    await b.register({ ...registration, id: 'lobby-x', address: '10.0.0.9:7000' });
    clock.advance(1_000);
    expect(a.stats()).toMatchObject({ registered: false, leaseLosses: 1 });
    const err = await a.claimName('n', { serverId: 'lobby-x', entityId: 'e' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).code).toBe('DISCOVERY_ERR_UNAVAILABLE');
    expect(logger.at('error').map((l) => l.message)).toContain('cannot register again: another server holds this id; retrying');
    await b.stop();
    clock.advance(1_000);
    expect(a.server('lobby-x')).toEqual(A);
    expect(await a.claimName('n', { serverId: 'lobby-x', entityId: 'e' })).toBe(true);
    expect(a.stats()).toMatchObject({ registered: true, leaseLosses: 1 });
  });

  it('checks its options', () => {
    const { cluster, clock, logger } = setup();
    expect(() => new MemoryDiscovery({ cluster, clock, logger, leaseTtlMs: 0 })).toThrow(RangeError);
  });

  it('cannot start again once stopped, and stops more than once without harm', async () => {
    const { member } = setup();
    const a = await member();
    await a.start();
    await a.stop();
    await a.stop();
    await expect(a.start()).rejects.toThrow(/already stopped/);
  });
});
