/**
 * The contract every {@link Discovery} implementation passes. Each implementation's test file
 * calls {@link describeDiscoveryContract} with a factory for a fresh, empty cluster per test; the
 * cluster also says how time passes for it (a manual clock, or real time against a real etcd).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Discovery, DiscoveryEvent, LoadReport, Registration } from './discovery.js';
import { DiscoveryError } from './errors.js';

/** A started member under test, which can also crash. */
export interface TestMember extends Discovery {
  /** Stops renewing and following without revoking anything, as a killed process would. */
  simulateCrash(): Promise<void>;
}

/** One fresh cluster, for one test. */
export interface DiscoveryTestCluster {
  /** Lease TTL of members created with `shortLease`, in ms; other members' leases outlast any test. */
  readonly shortLeaseMs: number;
  /** A new unregistered member, started unless `start` is false. */
  member(options?: { shortLease?: boolean; start?: boolean }): Promise<TestMember>;
  /**
   * Lets time pass until `condition` holds: `withinMs` of the cluster's time at most (a real
   * backend adds a margin for a slow machine), checking often.
   * @throws Error naming `what` when it still does not hold.
   */
  eventually(condition: () => boolean, withinMs: number, what: string): Promise<void>;
  /** Stops every member that is still running. */
  close(): Promise<void>;
}

const idle: LoadReport = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

function registration(overrides: Partial<Registration> = {}): Registration {
  return { type: 'lobby', host: 'test-host', address: '127.0.0.1:7000', version: '1.2.3', startedAt: 1_700_000_000_000, load: idle, ...overrides };
}

function record(member: Discovery): DiscoveryEvent[] {
  const events: DiscoveryEvent[] = [];
  member.subscribe((e) => events.push(e));
  return events;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscoveryError);
  expect((err as DiscoveryError).code).toBe(code);
}

/** How long "promptly" is: far below a long lease, so only an explicit removal passes. */
const PROMPT_MS = 1_000;

/** Registers the discovery contract tests for one implementation under `describe(label)`. */
export function describeDiscoveryContract(label: string, openCluster: () => Promise<DiscoveryTestCluster>): void {
  describe(`Discovery contract (${label})`, () => {
    let current: DiscoveryTestCluster | undefined;
    const cluster = async (): Promise<DiscoveryTestCluster> => (current = await openCluster());
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    it('registers without an id as the lowest free <type>-<host>-<index>', async () => {
      const c = await cluster();
      const [a, b, g, h, e] = await Promise.all([c.member(), c.member(), c.member(), c.member(), c.member()]);
      expect((await a.register(registration())).id).toBe('lobby-test-host-0');
      expect((await b.register(registration())).id).toBe('lobby-test-host-1');
      expect((await g.register(registration({ type: 'gate' }))).id).toBe('gate-test-host-0');
      expect((await h.register(registration({ host: 'Box.local_1' }))).id).toBe('lobby-Box-local-1-0');
      await a.stop();
      expect((await e.register(registration())).id).toBe('lobby-test-host-0');
    });

    it('registers a fixed id, and refuses one that a live server holds with DISCOVERY_ERR_ID_TAKEN', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member(), c.member()]);
      const info = await a.register(registration({ id: 'lobby-fixed' }));
      expect(info).toEqual({ id: 'lobby-fixed', type: 'lobby', address: '127.0.0.1:7000', version: '1.2.3', startedAt: 1_700_000_000_000, load: idle, meta: {} });
      expect(a.self).toEqual(info);
      await expectCode(b.register(registration({ id: 'lobby-fixed' })), 'DISCOVERY_ERR_ID_TAKEN');
      expect(b.self).toBeUndefined();
      // The failed attempt left nothing behind: b can still register under another id.
      expect((await b.register(registration({ id: 'lobby-other' }))).id).toBe('lobby-other');
    });

    it('lets members see each other: servers(), servers(type) and server(id)', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member(), c.member()]);
      const A = await a.register(registration({ address: '10.0.0.1:7000' }));
      const B = await b.register(registration({ type: 'gate', address: '10.0.0.2:7000' }));
      for (const m of [a, b]) await c.eventually(() => m.servers().length === 2, PROMPT_MS, 'both members listed');
      expect(a.server(B.id)).toEqual(B);
      expect(b.server(A.id)).toEqual(A);
      expect(a.servers('gate')).toEqual([B]);
      expect(b.servers('lobby')).toEqual([A]);
      expect(a.servers('services')).toEqual([]);
      expect(a.server('nobody')).toBeUndefined();
    });

    it('shows a member its own registration as soon as register() resolves', async () => {
      const c = await cluster();
      const a = await c.member();
      const A = await a.register(registration());
      expect(a.server(A.id)).toEqual(A);
    });

    it('tells listeners about servers added, updated by a load report, and removed by stop()', async () => {
      const c = await cluster();
      const [o, a] = await Promise.all([c.member(), c.member()]);
      await o.register(registration({ type: 'gate' }));
      const events = record(o);
      const A = await a.register(registration());
      await c.eventually(() => events.some((e) => e.type === 'added' && e.server.id === A.id), PROMPT_MS, 'added');
      expect(events.find((e) => e.type === 'added')).toEqual({ type: 'added', server: A });

      const busy: LoadReport = { sessions: 12, entities: 340, eventLoopLagMs: 1.5, cpu: 0.25 };
      await a.reportLoad(busy);
      expect(a.self?.load).toEqual(busy);
      await c.eventually(() => events.some((e) => e.type === 'updated'), PROMPT_MS, 'updated');
      expect(events.find((e) => e.type === 'updated')).toEqual({ type: 'updated', server: { ...A, load: busy }, previous: A });
      expect(o.server(A.id)?.load).toEqual(busy);

      await a.stop();
      await c.eventually(() => o.server(A.id) === undefined, PROMPT_MS, 'removed promptly after stop()');
      await c.eventually(() => events.some((e) => e.type === 'removed'), PROMPT_MS, 'removed event');
      expect(events.find((e) => e.type === 'removed')).toEqual({ type: 'removed', server: { ...A, load: busy } });
    });

    it('marks a server draining: it stays registered with its names, every member sees the mark, and load reports keep it', async () => {
      const c = await cluster();
      const [a, o] = await Promise.all([c.member(), c.member()]);
      const events = record(o);
      const A = await a.register(registration());
      expect(A.draining).toBeUndefined();
      await a.claimName('draining-name', { serverId: A.id, entityId: 'e' });
      await c.eventually(() => o.server(A.id) !== undefined, PROMPT_MS, 'registered');

      await a.markDraining();
      expect(a.self?.draining).toBe(true);
      await c.eventually(() => o.server(A.id)?.draining === true, PROMPT_MS, 'draining seen by another member');
      expect(events.find((e) => e.type === 'updated')).toEqual({ type: 'updated', server: { ...A, draining: true }, previous: A });
      expect(o.resolveName('draining-name')).toEqual({ serverId: A.id, entityId: 'e' });

      const busy: LoadReport = { sessions: 3, entities: 4, eventLoopLagMs: 0, cpu: 0 };
      await a.reportLoad(busy);
      await c.eventually(() => o.server(A.id)?.load.sessions === 3, PROMPT_MS, 'load report seen');
      expect(o.server(A.id)).toEqual({ ...A, load: busy, draining: true });
      await a.markDraining();

      await a.stop();
      await c.eventually(() => o.server(A.id) === undefined, PROMPT_MS, 'removed after stop()');
    });

    it('tells a listener subscribed before start() about the servers already registered', async () => {
      const c = await cluster();
      const a = await c.member();
      const A = await a.register(registration());
      const late = await c.member({ start: false });
      const events = record(late);
      await late.start();
      await c.eventually(() => events.length > 0, PROMPT_MS, 'an added event for the server already there');
      expect(events).toEqual([{ type: 'added', server: A }]);
      expect(late.servers()).toEqual([A]);
    });

    it('stops telling a listener once it unsubscribes, and keeps telling the others when one throws', async () => {
      const c = await cluster();
      const [o, a, b] = await Promise.all([c.member(), c.member(), c.member()]);
      const seen: DiscoveryEvent[] = [];
      const unsubscribe = o.subscribe((e) => seen.push(e));
      o.subscribe(() => {
        throw new Error('a broken listener');
      });
      const after = record(o);
      const A = await a.register(registration());
      await c.eventually(() => after.length === 1, PROMPT_MS, 'first event');
      expect(seen).toHaveLength(1);
      unsubscribe();
      const B = await b.register(registration());
      await c.eventually(() => after.length === 2, PROMPT_MS, 'second event');
      expect(seen).toEqual([{ type: 'added', server: A }]);
      expect(after[1]).toEqual({ type: 'added', server: B });
    });

    it('says whether it holds its lease and counts the renewals', async () => {
      const c = await cluster();
      const a = await c.member({ shortLease: true });
      expect(a.stats()).toEqual({ registered: false, leaseRenewals: 0, leaseLosses: 0 });
      await a.register(registration());
      expect(a.stats().registered).toBe(true);
      // Renewed every third of the lease.
      await c.eventually(() => a.stats().leaseRenewals >= 2, c.shortLeaseMs, 'two lease renewals');
      await a.stop();
      expect(a.stats()).toMatchObject({ registered: false, leaseLosses: 0 });
    });

    it('removes a crashed member once its lease expires, not before', async () => {
      const c = await cluster();
      const [o, a] = await Promise.all([c.member(), c.member({ shortLease: true })]);
      await o.register(registration({ type: 'gate' }));
      const events = record(o);
      const A = await a.register(registration());
      await c.eventually(() => o.server(A.id) !== undefined, PROMPT_MS, 'listed');
      await a.simulateCrash();
      expect(o.server(A.id)).toBeDefined();
      await c.eventually(() => o.server(A.id) === undefined, 2 * c.shortLeaseMs, 'removed after the lease TTL');
      await c.eventually(() => events.some((e) => e.type === 'removed'), PROMPT_MS, 'removed event');
      expect(events.filter((e) => e.type === 'removed')).toEqual([{ type: 'removed', server: A }]);
    });

    it('grants a name to exactly one claimer and resolves it on every member', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member(), c.member()]);
      const A = await a.register(registration());
      const B = await b.register(registration());
      const mailboxA = { serverId: A.id, entityId: 'boss-a' };
      const mailboxB = { serverId: B.id, entityId: 'boss-b' };
      const results = await Promise.all([a.claimName('world-boss', mailboxA), b.claimName('world-boss', mailboxB)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [winner, loser, loserMailbox] = results[0] ? [mailboxA, b, mailboxB] : [mailboxB, a, mailboxA];
      for (const m of [a, b]) await c.eventually(() => m.resolveName('world-boss')?.entityId === winner.entityId, PROMPT_MS, 'resolved');
      expect(a.resolveName('world-boss')).toEqual(winner);
      expect(await loser.claimName('world-boss', loserMailbox)).toBe(false);
      expect(a.resolveName('nobody')).toBeUndefined();
    });

    it('points a name it already holds at a new mailbox when claimed again', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member(), c.member()]);
      const A = await a.register(registration());
      await b.register(registration());
      expect(await a.claimName('guild:7', { serverId: A.id, entityId: 'old' })).toBe(true);
      expect(await a.claimName('guild:7', { serverId: A.id, entityId: 'new' })).toBe(true);
      expect(a.resolveName('guild:7')).toEqual({ serverId: A.id, entityId: 'new' });
      await c.eventually(() => b.resolveName('guild:7')?.entityId === 'new', PROMPT_MS, 'new mailbox seen');
    });

    it('frees a name on releaseName() and all of them on stop(), and ignores releasing a name it does not hold', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member(), c.member()]);
      const A = await a.register(registration());
      const B = await b.register(registration());
      await a.claimName('n1', { serverId: A.id, entityId: 'e1' });
      await a.claimName('n2', { serverId: A.id, entityId: 'e2' });
      await b.releaseName('n1');
      await b.releaseName('never-claimed');
      await c.eventually(() => b.resolveName('n1') !== undefined, PROMPT_MS, 'n1 still held by a');

      await a.releaseName('n1');
      expect(a.resolveName('n1')).toBeUndefined();
      await c.eventually(() => b.resolveName('n1') === undefined, PROMPT_MS, 'n1 released');
      expect(await b.claimName('n1', { serverId: B.id, entityId: 'e1b' })).toBe(true);

      await a.stop();
      await c.eventually(() => b.resolveName('n2') === undefined, PROMPT_MS, 'n2 released by stop()');
      expect(await b.claimName('n2', { serverId: B.id, entityId: 'e2b' })).toBe(true);
    });

    it('frees the names of a crashed member once its lease expires', async () => {
      const c = await cluster();
      const [a, b] = await Promise.all([c.member({ shortLease: true }), c.member()]);
      const A = await a.register(registration());
      const B = await b.register(registration());
      await a.claimName('arena', { serverId: A.id, entityId: 'arena-1' });
      await a.simulateCrash();
      expect(await b.claimName('arena', { serverId: B.id, entityId: 'arena-2' })).toBe(false);
      await c.eventually(() => b.resolveName('arena') === undefined, 2 * c.shortLeaseMs, 'name freed after the lease TTL');
      expect(await b.claimName('arena', { serverId: B.id, entityId: 'arena-2' })).toBe(true);
      expect(b.resolveName('arena')).toEqual({ serverId: B.id, entityId: 'arena-2' });
    });

    describe('error codes', () => {
      it('DISCOVERY_ERR_NOT_REGISTERED: reportLoad(), markDraining() and claimName() before register()', async () => {
        const a = await (await cluster()).member();
        await expectCode(a.reportLoad(idle), 'DISCOVERY_ERR_NOT_REGISTERED');
        await expectCode(a.markDraining(), 'DISCOVERY_ERR_NOT_REGISTERED');
        await expectCode(a.claimName('x', { serverId: 'lobby-test-host-0', entityId: 'e' }), 'DISCOVERY_ERR_NOT_REGISTERED');
      });

      it('DISCOVERY_ERR_ALREADY_REGISTERED: a second register()', async () => {
        const a = await (await cluster()).member();
        await a.register(registration());
        await expectCode(a.register(registration()), 'DISCOVERY_ERR_ALREADY_REGISTERED');
      });

      it('DISCOVERY_ERR_NOT_STARTED: calls after stop() or after a crash', async () => {
        const c = await cluster();
        const [a, b] = await Promise.all([c.member(), c.member()]);
        await a.stop();
        await expectCode(a.register(registration()), 'DISCOVERY_ERR_NOT_STARTED');
        await b.register(registration());
        await b.simulateCrash();
        await expectCode(b.reportLoad(idle), 'DISCOVERY_ERR_NOT_STARTED');
      });

      it('DISCOVERY_ERR_INVALID_NAME: names that are empty, contain "/" or are too long', async () => {
        const a = await (await cluster()).member();
        const A = await a.register(registration());
        for (const name of ['', 'a/b', '-leading', 'x'.repeat(257), 'with space']) {
          await expectCode(a.claimName(name, { serverId: A.id, entityId: 'e' }), 'DISCOVERY_ERR_INVALID_NAME');
        }
        await expectCode(a.releaseName('a/b'), 'DISCOVERY_ERR_INVALID_NAME');
      });

      it('DISCOVERY_ERR_INVALID_ARGUMENT: a bad registration, a mailbox on another server, a bad load report', async () => {
        const a = await (await cluster()).member();
        await expectCode(a.register(registration({ type: 'has space' })), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        await expectCode(a.register(registration({ id: 'bad/id' })), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        await expectCode(a.register(registration({ address: '' })), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        await expectCode(a.register(registration({ load: { ...idle, cpu: -1 } })), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        const A = await a.register(registration());
        await expectCode(a.claimName('n', { serverId: 'someone-else', entityId: 'e' }), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        await expectCode(a.reportLoad({ ...idle, sessions: Number.NaN }), 'DISCOVERY_ERR_INVALID_ARGUMENT');
        expect(a.self).toEqual(A);
      });
    });
  });
}
