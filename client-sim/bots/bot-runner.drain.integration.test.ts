/**
 * Bots against a cluster of processes (a login service, two gates and two lobbies on the
 * harness's etcd, Redis and FerretDB) while one of the gates drains: its bots move to the other
 * gate by themselves, the report times their moves under `move`, and nothing fails or drops.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { login, register } from '../login.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../../gate/fixtures/cluster-of-processes.js';
import { runCli } from '../fixtures/cli-runs.js';
import type { RunSummary } from './run-summary.js';

const CLI = 'client-sim/bots/run-bots.ts';
const ECHO = 'client-sim/bots/fixtures/runner/echo-scenario.ts';
const BOTS = 30;

describe('bots while a gate of the cluster drains', () => {
  let cluster: ProcessCluster;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bots-drain-'));
    cluster = await startProcessCluster({
      name: `bots-drain-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      extraArgs: ['--game', 'examples/inventory', '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1', '--login.rateLimit.exempt', '127.0.0.1'],
    });
    await register(cluster.loginUrl, 'probe', 'probe-password');
    await waitUntil('both gates offered at login', async () => (await login(cluster.loginUrl, 'probe', 'probe-password')).gates.length === 2, 20_000, 200);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  /** The sessions a gate holds now, from its /health. */
  async function sessionsOn(gate: ProcessCluster['gates'][number]): Promise<number> {
    // The ready line names the /health URL.
    const health = (await (await fetch(gate.ready.http)).json()) as { load?: { gateSessions?: number } };
    return health.load?.gateSessions ?? 0;
  }

  it('times the moves of the drained gate’s bots under move, with no error and no drop, over KCP', async () => {
    const out = join(dir, 'report');
    const run = runCli(CLI, [ECHO, '--bots', String(BOTS), '--ramp', '1s', '--duration', '30s', '--transport', 'kcp', '--login', cluster.loginUrl, '--out', out, '--progress', 'none', '--workers', '2']);
    // Every bot logged in (none would be sent to a gate that no longer accepts); the gate with
    // more of them drains (the login service may have sent them all to one).
    let seen = [0, 0];
    await waitUntil(
      'every bot on a gate',
      async () => {
        seen = await Promise.all(cluster.gates.map(sessionsOn));
        return seen[0]! + seen[1]! === BOTS;
      },
      25_000,
      100,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; sessions on the gates: ${seen.join(', ')}`);
    });
    const drained = cluster.gates[seen[0]! >= seen[1]! ? 0 : 1];
    const moving = await sessionsOn(drained!);
    expect(await drained!.stop('SIGTERM')).toBe(0);
    const { code, output } = await run;
    expect(code, output).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.passed).toBe(true);
    expect(summary.errors).toEqual({});
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(summary.routes['Echo.echo']!.errors).toBe(0);
    expect(summary.routes.move!.errors).toBe(0);
    expect(summary.routes.move!.count).toBeGreaterThanOrEqual(moving);
    expect(summary.routes.reconnect).toBeUndefined();
    expect(summary.checks['said goodbye']).toEqual({ pass: BOTS, fail: 0 });
    console.log(`bots: ${summary.routes.move!.count} moved off the drained gate (${moving} sessions on it at the drain), move p99 ${summary.routes.move!.p99} ms`);
  }, 180_000);
});
