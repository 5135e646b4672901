import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { describeDiscoveryContract, type DiscoveryTestCluster, type TestMember } from './discovery.contract.js';
import type { LoadReport, Registration } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { EtcdDiscovery, type EtcdDiscoveryOptions } from './etcd-discovery.js';

const url = inject('etcdUrl');
const clock = new SystemClock();
const SHORT_LEASE_SECONDS = 2;
const LONG_LEASE_SECONDS = 60;
/** Added to every wait: a loaded machine may be slow, and a passing test never waits for it. */
const SLOW_MACHINE_MS = 5_000;

const uniquePrefix = (): string => `/tessera-test-${randomBytes(6).toString('hex')}`;
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function options(prefix: string, extra: Partial<EtcdDiscoveryOptions> = {}): EtcdDiscoveryOptions {
  return { hosts: [url], prefix, leaseTtlSeconds: LONG_LEASE_SECONDS, clock, logger: new MemoryLogger(), requestTimeoutMs: 2_000, ...extra };
}

/** Polls `condition` in real time. */
async function eventually(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs + SLOW_MACHINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms (+${SLOW_MACHINE_MS} ms): ${what}`);
    await wait(20);
  }
}

function etcdCluster(): DiscoveryTestCluster {
  const prefix = uniquePrefix();
  const members: TestMember[] = [];
  return {
    shortLeaseMs: SHORT_LEASE_SECONDS * 1000,
    async member(opts) {
      const member = new EtcdDiscovery(options(prefix, { leaseTtlSeconds: opts?.shortLease ? SHORT_LEASE_SECONDS : LONG_LEASE_SECONDS }));
      members.push(member);
      if (opts?.start !== false) await member.start();
      return member;
    },
    eventually,
    async close() {
      await Promise.all(members.map((m) => m.stop()));
    },
  };
}

describeDiscoveryContract('etcd', async () => etcdCluster());

const idle: LoadReport = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };
const registration: Registration = { type: 'lobby', host: 'h', address: '127.0.0.1:7000', version: '1', startedAt: 0, load: idle };

describe('EtcdDiscovery', () => {
  const raw = new Etcd3({ hosts: url });
  const started: EtcdDiscovery[] = [];
  afterAll(async () => {
    await Promise.all(started.map((m) => m.stop()));
    raw.close();
  });
  const member = async (prefix: string, extra: Partial<EtcdDiscoveryOptions> = {}): Promise<EtcdDiscovery> => {
    const m = new EtcdDiscovery(options(prefix, extra));
    started.push(m);
    await m.start();
    return m;
  };

  it('writes the documented key layout: JSON values attached to the server lease', async () => {
    const prefix = uniquePrefix();
    const a = await member(`${prefix}/`);
    const A = await a.register(registration);
    await a.claimName('boss', { serverId: A.id, entityId: 'e1' });
    const server = await raw.get(`${prefix}/servers/${A.id}`).exec();
    expect(JSON.parse(server.kvs[0]!.value.toString())).toEqual(A);
    const name = await raw.get(`${prefix}/names/boss`).exec();
    expect(JSON.parse(name.kvs[0]!.value.toString())).toEqual({ serverId: A.id, entityId: 'e1' });
    expect(server.kvs[0]!.lease).not.toBe('0');
    expect(name.kvs[0]!.lease).toBe(server.kvs[0]!.lease);
  });

  it('coalesces load reports made while one is being written, and writes the latest', async () => {
    const prefix = uniquePrefix();
    const a = await member(prefix);
    const A = await a.register(registration);
    const reports = Array.from({ length: 10 }, (_, i) => a.reportLoad({ ...idle, sessions: i + 1 }));
    await Promise.all(reports);
    const stored = await raw.get(`${prefix}/servers/${A.id}`).json();
    expect((stored as { load: LoadReport }).load.sessions).toBe(10);
  });

  it('ignores keys under the prefix that it cannot read, and logs them once', async () => {
    const prefix = uniquePrefix();
    await raw.put(`${prefix}/servers/junk`).value('not json');
    await raw.put(`${prefix}/other/thing`).value('{}');
    const logger = new MemoryLogger();
    const a = await member(prefix, { logger });
    const A = await a.register(registration);
    expect(a.servers()).toEqual([A]);
    const ignored = logger.at('warn').filter((l) => l.message === 'ignoring an unreadable key under the cluster prefix');
    expect(ignored.map((l) => l.meta.key).sort()).toEqual([`${prefix}/other/thing`, `${prefix}/servers/junk`]);
    await raw.delete().prefix(prefix);
  });

  it('fails register() with DISCOVERY_ERR_UNAVAILABLE, within its request timeout, when etcd cannot be reached', async () => {
    const a = await member(uniquePrefix(), { hosts: ['http://127.0.0.1:1'], requestTimeoutMs: 300 });
    const err = await a.register(registration).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).code).toBe('DISCOVERY_ERR_UNAVAILABLE');
    expect(a.self).toBeUndefined();
  });

  it('gives up within its request timeout when etcd accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const a = await member(uniquePrefix(), { hosts: [`http://127.0.0.1:${port}`], requestTimeoutMs: 300 });
      const startedAt = Date.now();
      const err = await a.register(registration).catch((e: unknown) => e);
      expect((err as DiscoveryError).code).toBe('DISCOVERY_ERR_UNAVAILABLE');
      // Bounded by the request timeout, not by any default of the client or the OS.
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('refuses bad options with DISCOVERY_ERR_INVALID_ARGUMENT', () => {
    const bad: Array<Partial<EtcdDiscoveryOptions>> = [{ hosts: [] }, { prefix: '/' }, { leaseTtlSeconds: 0 }, { leaseTtlSeconds: 2, leaseMarginMs: 2_000 }, { requestTimeoutMs: 0 }];
    for (const extra of bad) {
      const err = (() => {
        try {
          new EtcdDiscovery(options('/p', extra));
        } catch (e) {
          return e;
        }
      })();
      expect(err, JSON.stringify(extra)).toBeInstanceOf(DiscoveryError);
      expect((err as DiscoveryError).code).toBe('DISCOVERY_ERR_INVALID_ARGUMENT');
    }
  });
});
