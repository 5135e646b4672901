/**
 * EtcdDiscovery on a real 3-member etcd cluster whose members fail: killed and restarted, frozen
 * (a member that hangs with its connections open), and two at once (the quorum lost, so the lease
 * is lost while a member is still down). The server is given all three URLs and a short lease, and
 * the request timeout servers run with, so a call to a dead member can outlast the lease's time.
 * After every cycle its key must be in etcd under a live lease and stay there for more than two
 * TTLs; whenever the key was seen missing, the server must have noticed and registered again.
 */
import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import type { RunningServer } from '../testing/server-process.js';
import { startEtcdCluster } from '../testing/test-servers.js';
import { SystemClock } from '../timer/clock.js';
import type { Registration } from './discovery.js';
import { createEtcdClient } from './etcd-client.js';
import { EtcdDiscovery } from './etcd-discovery.js';
import { EtcdKeys } from './etcd-keys.js';

const TTL_SECONDS = 2;
/** How long a failed member stays down: longer than the lease. */
const DOWN_MS = 3 * TTL_SECONDS * 1000;
const SLOW_MACHINE_MS = 15_000;
const registration: Registration = { type: 'lobby', host: 'h', address: '127.0.0.1:7000', version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 2 * TTL_SECONDS * 1000 + SLOW_MACHINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${2 * TTL_SECONDS} s (+${SLOW_MACHINE_MS} ms): ${what}`);
    await wait(100);
  }
}

describe('EtcdDiscovery on a 3-member etcd cluster whose members fail', () => {
  let etcd: RunningServer[];
  let admin: Etcd3;
  let server: { m: EtcdDiscovery; key: string; logger: MemoryLogger } | undefined;

  beforeAll(async () => {
    etcd = await startEtcdCluster(3);
    admin = createEtcdClient({ hosts: etcd.map((e) => e.url), requestTimeoutMs: 1_500 });
  }, 120_000);
  afterEach(async (ctx) => {
    // What the server logged is what tells why it dropped out; printed only when a test failed.
    if (ctx.task.result?.state === 'fail') {
      for (const l of server?.logger.lines ?? []) console.log(l.level, l.message, JSON.stringify(l.meta, (k, v: unknown) => (k === 'err' ? String(v) : v)));
    }
    await server?.m.stop();
    server = undefined;
    // A test that failed halfway may leave members down for the next one.
    for (const member of etcd) {
      member.child.kill('SIGCONT');
      if (member.child.exitCode !== null || member.child.signalCode !== null) await member.restart();
    }
  });
  afterAll(async () => {
    admin.close();
    await Promise.all(etcd.map((e) => e.stop()));
  });

  async function register(): Promise<{ m: EtcdDiscovery; key: string; logger: MemoryLogger }> {
    const prefix = `/tessera-test-${randomBytes(6).toString('hex')}`;
    const logger = new MemoryLogger();
    // etcd-1 first, as servers are configured; no request timeout given, as servers run.
    const m = new EtcdDiscovery({ hosts: etcd.map((e) => e.url), prefix, leaseTtlSeconds: TTL_SECONDS, clock: new SystemClock(), logger });
    await m.start();
    const me = await m.register(registration);
    server = { m, key: new EtcdKeys(prefix).server(me.id), logger };
    return server;
  }

  /**
   * Whether etcd holds `key` (etcd deletes a key when its lease ends, so a key there is a key under
   * a live lease); undefined when etcd cannot say now. With `ttl`, its lease must also report time
   * left: a member that has just rejoined may answer a lease's time-to-live with none for a moment,
   * so that is only asked where a test can ask again.
   */
  async function held(key: string, ttl = false): Promise<boolean | undefined> {
    try {
      const lease = (await admin.get(key).exec()).kvs[0]?.lease;
      if (lease === undefined || lease === '0') return false;
      return !ttl || Number((await admin.leaseClient.leaseTimeToLive({ ID: lease })).TTL) > 0;
    } catch {
      return undefined;
    }
  }

  /** Samples the key until stopped; says whether it was ever seen missing. */
  function watchKey(key: string): { stop(): Promise<boolean> } {
    let running = true;
    let missing = false;
    const loop = (async () => {
      while (running) {
        if ((await held(key)) === false) missing = true;
        await wait(100);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        return missing;
      },
    };
  }

  /** Checks, for more than two lease TTLs, that the key is always in etcd and the server counts itself registered. */
  async function staysRegistered(m: EtcdDiscovery, key: string): Promise<void> {
    const until = Date.now() + 2 * TTL_SECONDS * 1000 + 500;
    while (Date.now() < until) {
      expect(await held(key), 'the server key is in etcd').toBe(true);
      expect(m.stats().registered).toBe(true);
      await wait(100);
    }
  }

  /** One failure and recovery of the cluster, with the server's registration checked after it. */
  async function cycle(fail: () => Promise<void> | void, restore: () => Promise<void> | void): Promise<void> {
    const { m, key } = server!;
    const lossesBefore = m.stats().leaseLosses;
    const sampler = watchKey(key);
    await fail();
    await wait(DOWN_MS);
    await restore();
    await eventually(async () => m.stats().registered && (await held(key, true)) === true, 'registered, with the key under a live lease');
    if (await sampler.stop()) expect(m.stats().leaseLosses, 'the key went missing, and the server noticed').toBeGreaterThan(lossesBefore);
    await staysRegistered(m, key);
  }

  it('stays registered while each member in turn is killed and restarted', async () => {
    await register();
    for (const i of [0, 1, 2, 0, 1, 2]) {
      await cycle(
        () => void etcd[i]!.child.kill('SIGKILL'),
        () => etcd[i]!.restart(),
      );
    }
  }, 300_000);

  it('stays registered while each member in turn hangs with its connections open', async () => {
    await register();
    for (const i of [0, 1, 2]) {
      await cycle(
        () => void etcd[i]!.child.kill('SIGSTOP'),
        () => void etcd[i]!.child.kill('SIGCONT'),
      );
    }
  }, 300_000);

  it('registers again when the lease is lost while a member is down', async () => {
    const { m, key } = await register();
    for (const down of [0, 1, 2]) {
      const others = [0, 1, 2].filter((i) => i !== down);
      const lossesBefore = m.stats().leaseLosses;
      // Two members gone: no quorum, so no keep-alive can succeed and the lease is lost.
      etcd[down]!.child.kill('SIGKILL');
      etcd[others[0]!]!.child.kill('SIGSTOP');
      await eventually(async () => m.stats().leaseLosses > lossesBefore && !m.stats().registered, 'the lease taken as lost');
      // The quorum back, one member still down: the server registers again through the others.
      etcd[others[0]!]!.child.kill('SIGCONT');
      await eventually(async () => m.stats().registered && (await held(key, true)) === true, 'registered again with a member down');
      await staysRegistered(m, key);
      await etcd[down]!.restart();
      await staysRegistered(m, key);
    }
  }, 300_000);
});
