/**
 * The arena example in a real cluster (main.ts processes on the harness's etcd, FerretDB and
 * Redis): two lobbies, one leaderboard, a global of the game that one lobby holds; a
 * player on the other lobby records a kill on it and reads it by name, through `npm run client`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { login, register } from '../client-sim/login.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD = 'correct-horse-battery';

/** Runs `npm run client -- --game examples/arena` for a new account; resolves with its exit code and output. */
function playArena(loginUrl: string): Promise<{ code: number | null; output: string }> {
  const args = ['--conditions=tessera-source', '--import', 'tsx', 'client-sim/run-client.ts', '--login', loginUrl, '--game', 'examples/arena', '--password', PASSWORD];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('the arena in a cluster of two lobbies', () => {
  let cluster: ProcessCluster;

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `arena-cluster-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      extraArgs: ['--game', 'examples/arena'],
      // Each new session goes to the next lobby: the two players land on different lobbies.
      gateArgs: ['--gate.lobbyPolicy', 'round-robin'],
    });
    // The login service answers 503 LOGIN_ERR_NO_GATE until it has seen the gate in etcd.
    await register(cluster.loginUrl, 'probe', PASSWORD);
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'probe', PASSWORD), 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it('keeps one leaderboard, named on one lobby, that players on both lobbies rank on', async () => {
    // Started together on an empty store, both try to take the game's global leaderboard: one
    // holds it (a lobby that got it while the other named it first lets go of it).
    const holds = (output: string): boolean => (output.match(/global (created|taken)/g) ?? []).length > (output.match(/global let go/g) ?? []).length;
    await waitUntil('one lobby holding the leaderboard', () => cluster.lobbies.filter((lobby) => holds(lobby.output())).length === 1, 15_000, 100);

    const players = await Promise.all([playArena(cluster.loginUrl), playArena(cluster.loginUrl)]);
    for (const { code, output } of players) {
      expect(output).toMatch(/push arena\.kill -> \{"target":"monster-\d","xp":10,"totalXp":10,"kills":1\}/);
      expect(code).toBe(0);
    }

    // One player on each lobby: the one without the leaderboard reached it by name.
    for (const lobby of cluster.lobbies) expect(lobby.output()).toMatch(/lobby: session bound/);

    await register(cluster.loginUrl, 'reader', PASSWORD);
    const { token, gate } = await login(cluster.loginUrl, 'reader', PASSWORD);
    const reader = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    try {
      await reader.auth(token);
      const top = await reader.request<{ player: string; xp: number }[]>('leaderboard.top');
      expect(top).toHaveLength(2);
      expect(top.map((entry) => entry.xp)).toEqual([10, 10]);
    } finally {
      reader.close();
    }
  }, 120_000);
});
