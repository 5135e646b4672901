/**
 * EtcdDiscovery when etcd itself goes away: each test stops and restarts an etcd of its own (the
 * shared one from the global setup must stay up for the other test files).
 */
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../testing/memory-logger.js';
import type { RunningServer } from '../testing/server-process.js';
import { startEtcd } from '../testing/test-servers.js';
import { SystemClock } from '../timer/clock.js';
import type { DiscoveryEvent, Registration, ServerInfo } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { EtcdDiscovery, type EtcdDiscoveryOptions } from './etcd-discovery.js';

const clock = new SystemClock();
const TTL_SECONDS = 2;
/** The default margin for a 2 s lease: max(500, TTL/4). */
const MARGIN_MS = 500;
const SLOW_MACHINE_MS = 5_000;
const registration: Registration = { type: 'lobby', host: 'h', address: '127.0.0.1:7000', version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs + SLOW_MACHINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms (+${SLOW_MACHINE_MS} ms): ${what}`);
    await wait(20);
  }
}

function record(member: EtcdDiscovery): DiscoveryEvent[] {
  const events: DiscoveryEvent[] = [];
  member.subscribe((e) => events.push(e));
  return events;
}

const has = (events: readonly DiscoveryEvent[], type: DiscoveryEvent['type']): boolean => events.some((e) => e.type === type);

/**
 * Registers a member as a server would at start, trying again while etcd is unreachable: on a
 * loaded machine the first gRPC connection to an etcd that has just restarted can outlast the 1 s
 * request timeout these members use, and `register` leaves nothing behind when it fails.
 */
async function register(m: EtcdDiscovery, r: Registration): Promise<ServerInfo> {
  const deadline = Date.now() + SLOW_MACHINE_MS;
  for (;;) {
    try {
      return await m.register(r);
    } catch (err) {
      if (!(err instanceof DiscoveryError) || err.code !== 'DISCOVERY_ERR_UNAVAILABLE' || Date.now() > deadline) throw err;
    }
    await wait(100);
  }
}

describe('EtcdDiscovery when etcd stops and comes back', () => {
  let etcd: RunningServer;
  let members: EtcdDiscovery[] = [];
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterEach(async () => {
    await Promise.all(members.map((m) => m.stop()));
    members = [];
    // A test that failed halfway may leave etcd down for the next one.
    await etcd.restart();
  });
  afterAll(() => etcd.stop());

  const member = async (prefix: string, extra: Partial<EtcdDiscoveryOptions> = {}): Promise<EtcdDiscovery> => {
    const m = new EtcdDiscovery({
      hosts: [etcd.url],
      prefix,
      leaseTtlSeconds: TTL_SECONDS,
      clock,
      logger: new MemoryLogger(),
      requestTimeoutMs: 1_000,
      retry: { baseMs: 100, maxMs: 400 },
      ...extra,
    });
    members.push(m);
    await m.start();
    return m;
  };
  const prefix = (): string => `/faults-${randomBytes(4).toString('hex')}`;

  it('takes its lease as lost at the TTL minus the margin after the last renewal, well before twice the TTL', async () => {
    const logger = new MemoryLogger();
    const a = await member(prefix(), { logger });
    const events = record(a);
    await register(a, registration);
    await etcd.halt();
    await eventually(() => has(events, 'self-lost'), TTL_SECONDS * 1000, 'self-lost');
    const line = logger.at('warn').find((l) => l.message === 'discovery lease lost; registering again');
    const sinceRenewalMs = line?.meta.sinceRenewalMs as number;
    // Measured on the discovery's own clock: timers never fire early by more than its granularity,
    // and the loss is declared before etcd would expire the lease (etcd3's own keep-alive would
    // give up only 2 x TTL after its last success).
    expect(sinceRenewalMs).toBeGreaterThanOrEqual(TTL_SECONDS * 1000 - MARGIN_MS - 5);
    expect(sinceRenewalMs).toBeLessThan(TTL_SECONDS * 1000);
    expect(logger.at('warn').map((l) => l.message)).toContain('etcd keep-alive failed; retrying');
  });

  it('stops within its request timeout when etcd hangs, and the lease then expires by itself', async () => {
    const p = prefix();
    const [a, o] = [await member(p), await member(p, { leaseTtlSeconds: 30 })];
    const A = await register(a, registration);
    await register(o, { ...registration, type: 'gate' });
    etcd.child.kill('SIGSTOP');
    try {
      const startedAt = Date.now();
      await a.stop();
      expect(Date.now() - startedAt).toBeLessThan(1_000 + SLOW_MACHINE_MS);
    } finally {
      etcd.child.kill('SIGCONT');
    }
    await eventually(() => o.server(A.id) === undefined, TTL_SECONDS * 1000, 'removed once the lease expired');
  });

  it('registers again under the same id after etcd restarts with its data, and the watch resumes', async () => {
    const p = prefix();
    const [a, b] = [await member(p), await member(p, { leaseTtlSeconds: 30 })];
    const own = record(a);
    const A = await register(a, registration);
    await register(b, { ...registration, type: 'gate' });
    await eventually(() => b.server(A.id) !== undefined, 1_000, 'b sees a');

    await etcd.halt();
    await eventually(() => has(own, 'self-lost'), TTL_SECONDS * 1000, 'self-lost');
    expect(a.stats()).toMatchObject({ registered: false, leaseLosses: 1 });
    // b cannot reach etcd either, and keeps its last view rather than dropping everybody.
    expect(b.server(A.id)).toEqual(A);

    await etcd.restart();
    await eventually(() => has(own, 'self-registered'), 5_000, 'self-registered');
    expect(own.filter((e) => e.type.startsWith('self-'))).toEqual([{ type: 'self-lost' }, { type: 'self-registered', server: A }]);
    expect(a.stats()).toMatchObject({ registered: true, leaseLosses: 1 });
    await eventually(() => b.server(A.id) !== undefined, 1_000, 'b sees a again');
    expect(b.server(A.id)).toEqual(A);

    const c = await member(p);
    const C = await register(c, registration);
    expect(C.id).not.toBe(A.id);
    await eventually(() => b.server(C.id) !== undefined, 1_000, 'b sees a server that registered after the restart');
    await a.reportLoad({ ...registration.load, sessions: 3 });
    await eventually(() => b.server(A.id)?.load.sessions === 3, 1_000, 'b sees a load report after the restart');
  });

  it('registers again within the time a restarted etcd gives its old lease, so that no member sees it leave, however long the outage backed its retries off', async () => {
    const p = prefix();
    // Retries backed off to far longer than the lease lives.
    const a = await member(p, { retry: { baseMs: 1_000, maxMs: 60_000 } });
    const b = await member(p, { leaseTtlSeconds: 30 });
    const own = record(a);
    const seen = record(b);
    const A = await register(a, registration);
    await eventually(() => b.server(A.id) !== undefined, 1_000, 'b sees a');

    await etcd.halt();
    await eventually(() => has(own, 'self-lost'), TTL_SECONDS * 1000, 'self-lost');
    // Long enough for a few failed attempts: the backoff passes the lease's time.
    await wait(6_000);
    await etcd.restart();
    await eventually(() => has(own, 'self-registered'), 5_000, 'self-registered');
    // Past the old lease's time: it expired or was revoked, and a's key lives on the new one.
    await wait(TTL_SECONDS * 1000 + MARGIN_MS);
    expect(b.server(A.id)).toEqual(A);
    expect(seen.filter((e) => e.type === 'removed')).toEqual([]);
  });

  it('registers again after etcd restarts with its data wiped, and every member sees the others again', async () => {
    const p = prefix();
    const raw = new Etcd3({ hosts: etcd.url });
    try {
      // Moves the revision well past where a wiped etcd restarts from.
      for (let i = 0; i < 50; i++) await raw.put(`/filler/${i}`).value('x');
    } finally {
      raw.close();
    }
    const bLogger = new MemoryLogger();
    // After the wipe, etcd answers b's next renewal that its lease does not exist, unless b's
    // listing of the wiped etcd, which lacks its key, makes it notice first.
    const [a, b] = [await member(p), await member(p, { leaseTtlSeconds: 10, logger: bLogger })];
    const ownA = record(a);
    const ownB = record(b);
    const A = await register(a, registration);
    const B = await register(b, { ...registration, type: 'gate' });
    await eventually(() => b.server(A.id) !== undefined && a.server(B.id) !== undefined, 1_000, 'members see each other');

    await etcd.halt();
    await eventually(() => has(ownA, 'self-lost'), TTL_SECONDS * 1000, 'a self-lost');
    await etcd.restart({ wipeData: true });

    await eventually(() => has(ownA, 'self-registered') && has(ownB, 'self-registered'), 5_000, 'both registered again');
    await eventually(() => b.server(A.id) !== undefined && a.server(B.id) !== undefined, 1_000, 'members see each other again');
    expect(b.server(A.id)).toEqual(A);
    expect(a.server(B.id)).toEqual(B);
    expect(bLogger.at('warn').map((l) => l.message)).toContain('etcd revision went backwards (its data was restored or wiped); taking its listing as it is');
    const reason = bLogger.at('warn').find((l) => l.message === 'discovery lease lost; registering again')?.meta.reason;
    expect(['etcd reports the lease gone', 'the server key was removed from etcd']).toContain(reason);

    const c = await member(p);
    const C = await register(c, registration);
    await eventually(() => b.server(C.id) !== undefined, 1_000, 'b sees a server that registered after the wipe');
  });
});
