import { describe, expect, it } from 'vitest';
import type { ServerEntry, StatsEntry } from '../../services/admin/cluster-admin.js';
import { freePort } from '../../engine/testing/free-port.js';
import { UpgradeError } from './errors.js';
import type { RollAdmin } from './roll-admin.js';
import { rollCluster, type RollClock, type RollOptions } from './roll-cluster.js';
import { readUpgradeArgs } from './upgrade.js';

/** How a fake cluster's supervisor behaves after a drain, in milliseconds of fake time. */
interface Supervision {
  /** From the drain until the server leaves; never when undefined. */
  leaveMs?: number | undefined;
  /** From its leaving until a replacement registers; never when undefined. */
  replaceMs?: number | undefined;
  /** From registering until ready. */
  readyMs: number;
  /** The replacement's version. */
  version: string;
}

/**
 * A cluster behind a fake admin API, on a fake clock that jumps at each sleep: a drained server
 * leaves and is replaced as `supervision(role)` says, under a new id; the admin API is away while
 * the services process is replaced.
 */
function fakeCluster(types: string[], supervision: (role: string) => Supervision) {
  let now = 1_000;
  const events: { at: number; run: () => void }[] = [];
  const servers: (ServerEntry & { readyAt: number })[] = [];
  const drained: string[] = [];
  let next = 0;
  const add = (type: string, version: string, readyAt: number): void => {
    servers.push({ id: `${type}-${next++}`, type, host: 'h', address: 'a', version, speaks: { rpc: '1-1' }, startedAt: now, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 }, draining: false, readyAt });
  };
  for (const type of types) add(type, '1.0.0', now);
  let adminAway = false;
  const answer = <T>(value: () => T): Promise<T> => (adminAway ? Promise.reject(new UpgradeError('UPGRADE_ERR_ADMIN', 'connection refused')) : Promise.resolve(value()));
  const api: RollAdmin = {
    servers: () => answer(() => servers.map(({ readyAt: _readyAt, ...s }) => ({ ...s }))),
    stats: () => answer(() => servers.map((s): StatsEntry => ({ id: s.id, type: s.type, ok: true, sessions: 0, entities: 0, cpu: 0, eventLoopLagMs: 0, heapUsedBytes: 1, rpcPendingCalls: 0, state: now >= s.readyAt ? 'ready' : 'starting' }))),
    drain: (id) =>
      answer(() => {
        const server = servers.find((s) => s.id === id)!;
        server.draining = true;
        drained.push(id);
        const { leaveMs, replaceMs, readyMs, version } = supervision(server.type);
        if (leaveMs === undefined) return;
        events.push({
          at: now + leaveMs,
          run: () => {
            servers.splice(servers.indexOf(server), 1);
            if (server.type === 'services') adminAway = true;
            if (replaceMs !== undefined) events.push({ at: now + replaceMs, run: () => ((adminAway = false), add(server.type, version, now + readyMs)) });
          },
        });
      }),
  };
  const clock: RollClock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      for (const due of events.filter((e) => e.at <= now)) {
        events.splice(events.indexOf(due), 1);
        due.run();
      }
    },
  };
  return { api, clock, drained, servers: () => servers.map((s) => [s.id, s.version]) };
}

const roll = (cluster: ReturnType<typeof fakeCluster>, options: Partial<RollOptions> = {}) => {
  const lines: string[] = [];
  const run = rollCluster({ admin: 'http://unused', apiKey: 'k', api: cluster.api, clock: cluster.clock, log: (line) => lines.push(line), timeoutMs: 60_000, ...options });
  return { run, lines };
};

const healthy = (): Supervision => ({ leaveMs: 2_000, replaceMs: 3_000, readyMs: 1_500, version: '1.1.0' });

describe('rollCluster', () => {
  it('replaces every server once, one at a time, lobbies then gates then services, each after the previous one is ready', async () => {
    const cluster = fakeCluster(['services', 'gate', 'gate', 'lobby', 'lobby'], healthy);
    const { run, lines } = roll(cluster, { version: '1.1.0' });
    const steps = await run;
    expect(steps.map((s) => [s.role, s.drained, s.replacement, s.version])).toEqual([
      ['lobby', 'lobby-3', 'lobby-5', '1.1.0'],
      ['lobby', 'lobby-4', 'lobby-6', '1.1.0'],
      ['gate', 'gate-1', 'gate-7', '1.1.0'],
      ['gate', 'gate-2', 'gate-8', '1.1.0'],
      ['services', 'services-0', 'services-9', '1.1.0'],
    ]);
    expect(cluster.drained).toEqual(['lobby-3', 'lobby-4', 'gate-1', 'gate-2', 'services-0']);
    expect(cluster.servers().every(([, version]) => version === '1.1.0')).toBe(true);
    expect(lines[0]).toBe('upgrade: 5 servers to replace, in order: lobby ×2, gate ×2, services ×1');
    expect(lines).toContain('lobby lobby-3: draining');
    expect(lines.at(-1)).toMatch(/^upgrade: done: 5 servers replaced in /);
  });

  it('replaces only the roles of the order given, in that order', async () => {
    const cluster = fakeCluster(['services', 'gate', 'lobby'], healthy);
    const steps = await roll(cluster, { order: ['gate', 'lobby'] }).run;
    expect(steps.map((s) => s.drained)).toEqual(['gate-1', 'lobby-2']);
  });

  it('stops with UPGRADE_ERR_NO_REPLACEMENT when no replacement comes, and drains nothing more', async () => {
    const cluster = fakeCluster(['gate', 'lobby', 'lobby'], (role) => ({ ...healthy(), replaceMs: role === 'lobby' ? undefined : 3_000 }));
    await expect(roll(cluster).run).rejects.toMatchObject({ code: 'UPGRADE_ERR_NO_REPLACEMENT', message: expect.stringContaining('lobby lobby-1: a new lobby ready within 60000 ms') });
    expect(cluster.drained).toEqual(['lobby-1']);
  });

  it('waits for a replacement to be ready, not only registered', async () => {
    const cluster = fakeCluster(['lobby'], () => ({ ...healthy(), readyMs: 120_000 }));
    await expect(roll(cluster).run).rejects.toMatchObject({ code: 'UPGRADE_ERR_NO_REPLACEMENT' });
  });

  it('stops with UPGRADE_ERR_NOT_LEFT when a drained server stays registered', async () => {
    const cluster = fakeCluster(['lobby', 'lobby'], () => ({ ...healthy(), leaveMs: undefined }));
    await expect(roll(cluster).run).rejects.toMatchObject({ code: 'UPGRADE_ERR_NOT_LEFT' });
    expect(cluster.drained).toEqual(['lobby-0']);
  });

  it('stops with UPGRADE_ERR_VERSION when a replacement runs another version than --version', async () => {
    const cluster = fakeCluster(['lobby', 'lobby'], () => ({ ...healthy(), version: '1.0.0' }));
    await expect(roll(cluster, { version: '1.1.0' }).run).rejects.toMatchObject({ code: 'UPGRADE_ERR_VERSION', message: expect.stringContaining('lobby-2, which runs 1.0.0, not 1.1.0') });
  });

  it('stops with UPGRADE_ERR_ADMIN when the admin API cannot be reached at the start', async () => {
    const port = await freePort();
    await expect(rollCluster({ admin: `http://127.0.0.1:${port}`, apiKey: 'k', log: () => undefined })).rejects.toMatchObject({ code: 'UPGRADE_ERR_ADMIN' });
  });
});

describe('readUpgradeArgs', () => {
  it('reads the admin URL, key, order, timeout and version', () => {
    expect(readUpgradeArgs(['--admin', 'http://h:8080', '--api-key', 'k', '--order', 'gate,lobby', '--timeout-ms', '5000', '--version', '2.0.0'])).toEqual({ admin: 'http://h:8080', apiKey: 'k', order: ['gate', 'lobby'], timeoutMs: 5_000, version: '2.0.0' });
    expect(readUpgradeArgs(['--admin', 'http://h:8080', '--api-key', 'k'])).toEqual({ admin: 'http://h:8080', apiKey: 'k' });
  });

  it.each([
    ['no admin URL', ['--api-key', 'k']],
    ['an unknown role', ['--admin', 'u', '--api-key', 'k', '--order', 'lobby,proxy']],
    ['a timeout that is not a number', ['--admin', 'u', '--api-key', 'k', '--timeout-ms', 'soon']],
    ['an unknown option', ['--admin', 'u', '--api-key', 'k', '--force']],
  ])('refuses %s with UPGRADE_ERR_USAGE', (_what, argv) => {
    expect(() => readUpgradeArgs(argv)).toThrow(expect.objectContaining({ code: 'UPGRADE_ERR_USAGE' }));
  });
});
