/**
 * The same bots command against a cluster of processes (a login service, two gates and two
 * lobbies on the harness's etcd, Redis and FerretDB) as against `npm start`: only `--login`
 * changes. Bots log in through the service, which names a gate for each, and the report shows
 * every one of them playing.
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
const BOTS = 40;

describe('bots against a cluster of processes', () => {
  let cluster: ProcessCluster;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bots-cluster-'));
    cluster = await startProcessCluster({
      name: `bots-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      extraArgs: [
        '--game', 'examples/inventory',
        // Production hashing and the per-address limits would hold forty logins from one address back.
        '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1',
        '--login.rateLimit.exempt', '127.0.0.1',
      ],
    });
    await register(cluster.loginUrl, 'probe', 'probe-password');
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'probe', 'probe-password'), 20_000, 200);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('plays the scenario it plays against npm start, given only the cluster\'s login URL, and passes', async () => {
    const out = join(dir, 'report');
    const { code, output } = await runCli(CLI, [ECHO, '--bots', String(BOTS), '--ramp', '2s', '--duration', '4s', '--login', cluster.loginUrl, '--out', out, '--progress', 'lines', '--workers', '2']);
    expect(code, output).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.passed).toBe(true);
    expect(summary.options.login).toBe(cluster.loginUrl);
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(summary.totals.peakConnected).toBe(BOTS);
    expect(summary.checks['setup echoed']).toEqual({ pass: BOTS, fail: 0 });
    expect(summary.checks['said goodbye']).toEqual({ pass: BOTS, fail: 0 });
    expect(summary.routes['Echo.echo']!.errors).toBe(0);
  }, 120_000);
});
