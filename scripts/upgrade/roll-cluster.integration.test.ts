/**
 * A rolling upgrade of a supervised cluster of real processes (services, a gate, two lobbies on
 * the harness's etcd, FerretDB and Redis) while clients send requests: the supervisor starts each
 * replacement with the new version's arguments, and `rollCluster` replaces every server once, in
 * order, through the admin API, whose process is itself replaced at the same address. Then
 * `npm run upgrade` stops with a non-zero exit when a replacement never comes.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../../client-sim/gate-client.js';
import { login, register } from '../../client-sim/login.js';
import { connectGate } from '../../client-sim/node-client.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../../gate/fixtures/cluster-of-processes.js';
import { START_ATTEMPTS } from '../../gate/fixtures/process-supervisor.js';
import { rollCluster } from './roll-cluster.js';

const PASSWORD = 'correct-horse-battery';
const API_KEY = 'upgrade-key-'.padEnd(48, 'x');
const NEXT = '9.9.9-next';

/**
 * A player sending echo requests one after another until stopped. A drained gate still kicks its
 * clients and a drained lobby may refuse requests while it empties, so the player counts what
 * failed, logs in again and goes on.
 */
function player(loginUrl: string, username: string) {
  const counts = { ok: 0, failed: 0 };
  let stopped = false;
  let client: GateClient | undefined;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const run = (async () => {
    for (let n = 0; !stopped; n++) {
      try {
        if (!client?.isOpen) {
          client?.close();
          const { token, gate } = await login(loginUrl, username, PASSWORD);
          client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
          await client.auth(token);
        }
        expect(await client.request('Echo.echo', n)).toBe(n);
        counts.ok++;
        await pause(50);
      } catch {
        counts.failed++;
        await pause(300);
      }
    }
  })();
  return {
    counts,
    async stop() {
      stopped = true;
      await run;
      client?.close();
    },
  };
}

describe('a rolling upgrade of a supervised cluster of processes', () => {
  let cluster: ProcessCluster;
  let loginUrl: string;

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `upgrade-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      lobbies: 2,
      supervise: true,
      extraArgs: ['--admin.apiKeys.ops', API_KEY],
    });
    loginUrl = cluster.loginUrl;
    await register(loginUrl, 'roller0', PASSWORD);
    await register(loginUrl, 'roller1', PASSWORD);
    await waitUntil('a gate offered at login', () => login(loginUrl, 'roller0', PASSWORD), 15_000, 200);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('replaces every server once, lobbies then the gate then services, with the new version, while clients go on', async () => {
    const players = [player(loginUrl, 'roller0'), player(loginUrl, 'roller1')];
    await waitUntil('both players answered', () => players.every((p) => p.counts.ok > 0), 30_000, 100);
    const originals = cluster.all();
    const ids = new Map(await Promise.all(originals.map(async (p) => [await cluster.serverIdOf(p), p.ready.role] as const)));
    for (const role of ['services', 'gate', 'lobby'] as const) cluster.setRoleArgs(role, ['--server.version', NEXT]);
    const lines: string[] = [];

    const steps = await rollCluster({ admin: loginUrl, apiKey: API_KEY, version: NEXT, timeoutMs: 120_000, log: (line) => lines.push(line) });

    expect(steps.map((s) => s.role)).toEqual(['lobby', 'lobby', 'gate', 'services']);
    expect(steps.map((s) => ids.get(s.drained))).toEqual(['lobby', 'lobby', 'gate', 'services']);
    expect(steps.every((s) => s.version === NEXT)).toBe(true);
    // The fixture tracks the replacements; the services process kept its address.
    expect(cluster.all().filter((p) => originals.includes(p))).toEqual([]);
    expect([cluster.lobbies.length, cluster.gates.length]).toEqual([2, 1]);
    expect(cluster.services.ready.login).toBe(loginUrl);
    const afterRoll = players.map((p) => p.counts.ok);
    await waitUntil('both players answered by the new servers', () => players.every((p, i) => p.counts.ok > afterRoll[i]!), 60_000, 100);
    await Promise.all(players.map((p) => p.stop()));
    console.log(`rolling upgrade: ${lines.join('\n')}\nrequests: ${players.map((p) => `${p.counts.ok} ok, ${p.counts.failed} failed`).join('; ')}`);
  }, 600_000);

  it('npm run upgrade stops with a non-zero exit naming the step when a replacement never comes', async () => {
    // The supervisor's replacements now fail to start (an unknown flag), and it gives up.
    cluster.setRoleArgs('lobby', ['--upgrade.noSuchKey', 'x']);
    const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', 'scripts/upgrade/upgrade.ts', '--admin', loginUrl, '--api-key', API_KEY, '--order', 'lobby', '--timeout-ms', '30000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(1);
    expect(output).toMatch(/draining/);
    expect(output).toMatch(/upgrade: stopped: UPGRADE_ERR_NO_REPLACEMENT: no replacement became ready: lobby \S+: a new lobby ready within 30000 ms/);
    // The supervisor tried a few times, each start refused for the flag, then gave the place up.
    await waitUntil('the supervisor gave up', () => cluster.supervisionFailures().length === START_ATTEMPTS, 120_000, 200);
    expect(cluster.supervisionFailures().map((err) => err.message)).toEqual(Array.from({ length: START_ATTEMPTS }, () => expect.stringContaining('upgrade.noSuchKey')));
  }, 300_000);
});
