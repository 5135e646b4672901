/**
 * EtcdDiscovery registering again after a loss, against the shared etcd: whatever goes wrong on
 * the way, a server that counts itself registered has its key in etcd under a lease it keeps alive.
 */
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock, type Clock, type ClockTimer } from '../timer/clock.js';
import type { Registration } from './discovery.js';
import { EtcdDiscovery } from './etcd-discovery.js';
import { EtcdKeys } from './etcd-keys.js';

const url = inject('etcdUrl');
const TTL_SECONDS = 2;
const SLOW_MACHINE_MS = 5_000;
const registration: Registration = { type: 'lobby', host: 'h', address: '127.0.0.1:7000', version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Real time, except that the next `count` timers longer than half a lease fire at once (on a
 * microtask). Only the lease keeper's loss timer is that long here, so each one armed makes the
 * keeper give up the lease it has just granted or renewed, before any etcd answer can arrive.
 */
class LeaseExpiringClock implements Clock {
  private readonly inner = new SystemClock();
  private readonly cancelled = new WeakSet<ClockTimer>();
  private armed = 0;

  expireNextLeases(count: number): void {
    this.armed = count;
  }

  get pending(): number {
    return this.armed;
  }

  now(): number {
    return this.inner.now();
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    if (this.armed === 0 || delayMs <= (TTL_SECONDS * 1000) / 2) return this.inner.setTimer(callback, delayMs);
    this.armed--;
    const timer = {} as ClockTimer;
    queueMicrotask(() => {
      if (!this.cancelled.has(timer)) callback();
    });
    return timer;
  }

  clearTimer(timer: ClockTimer): void {
    this.cancelled.add(timer);
    this.inner.clearTimer(timer);
  }
}

describe('EtcdDiscovery registering again', () => {
  const raw = new Etcd3({ hosts: url });
  let member: EtcdDiscovery | undefined;
  afterEach(async () => {
    await member?.stop();
    member = undefined;
  });
  afterAll(() => raw.close());

  async function start(clock: Clock, logger: MemoryLogger): Promise<{ m: EtcdDiscovery; key: string }> {
    const prefix = `/tessera-test-${randomBytes(6).toString('hex')}`;
    const m = new EtcdDiscovery({ hosts: [url], prefix, leaseTtlSeconds: TTL_SECONDS, clock, logger, requestTimeoutMs: 1_000, retry: { baseMs: 100, maxMs: 400 } });
    member = m;
    await m.start();
    const me = await m.register(registration);
    return { m, key: new EtcdKeys(prefix).server(me.id) };
  }

  /** Whether etcd holds `key` under a lease that has time left. */
  async function heldByLiveLease(key: string): Promise<boolean> {
    const lease = (await raw.get(key).exec()).kvs[0]?.lease;
    if (lease === undefined || lease === '0') return false;
    const ttl = await raw.leaseClient.leaseTimeToLive({ ID: lease }).then((r) => Number(r.TTL));
    return ttl > 0;
  }

  async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 2 * TTL_SECONDS * 1000 + SLOW_MACHINE_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`not within ${2 * TTL_SECONDS} s (+${SLOW_MACHINE_MS} ms): ${what}`);
      await wait(50);
    }
  }

  /** Checks, for more than two lease TTLs, that the key is always held by a live lease and the member counts itself registered. */
  async function staysRegistered(m: EtcdDiscovery, key: string): Promise<void> {
    const until = Date.now() + 2 * TTL_SECONDS * 1000 + 500;
    while (Date.now() < until) {
      expect(await heldByLiveLease(key), 'the server key is held by a live lease').toBe(true);
      expect(m.stats().registered).toBe(true);
      await wait(100);
    }
  }

  it('does not count itself registered again when the new lease is given up while its keys are written', async () => {
    const clock = new LeaseExpiringClock();
    const logger = new MemoryLogger();
    const { m, key } = await start(clock, logger);
    // The first: the current lease, at its next renewal. The second: the lease granted to register again.
    clock.expireNextLeases(2);
    await eventually(() => clock.pending === 0 && m.stats().leaseLosses === 1 && m.stats().registered, 'lost, then registered again');
    expect(logger.lines.map((l) => l.message)).toContain('new lease lost while registering again; retrying');
    await staysRegistered(m, key);
  });

  it('registers again when its key is deleted from etcd while its lease lives', async () => {
    const logger = new MemoryLogger();
    const { m, key } = await start(new SystemClock(), logger);
    await raw.delete().key(key).exec();
    await eventually(() => m.stats().leaseLosses === 1, 'the deletion noticed');
    expect(logger.lines.map((l) => l.message)).toContain('own server key gone from etcd while registered; registering again');
    await eventually(() => m.stats().registered, 'registered again');
    await eventually(() => heldByLiveLease(key), 'the key written again');
    await staysRegistered(m, key);
  });
});
