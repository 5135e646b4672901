/**
 * Live entity migration in a real cluster (main.ts processes on the harness's etcd, FerretDB and
 * Redis: two gates, three lobbies) running lobby/fixtures/games/migration-game.ts:
 *
 * - a ledger entity moved 100 times round the three lobbies while each lobby streams calls at its
 *   first mailbox: no call and no move fails, and the count the ledger holds, and the one the last
 *   move saved and the last lobby loaded, equal the calls acknowledged;
 * - a player's avatar moved between lobbies while its client keeps sending requests: none fails,
 *   the replies come in order with the count going on, the client never reconnects nor hears
 *   `sys.rebound`.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { login, register } from '../client-sim/login.js';
import type { ScenarioReport } from '../lobby/fixtures/games/migration-game.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
const MOVES = 100;
const CALLS_PER_LOBBY = 300;

interface Step {
  count: number;
  lobby: string;
}

describe('live entity migration across three lobbies', () => {
  let cluster: ProcessCluster;
  let lobbyIds: string[];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `migration-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 2,
      lobbies: 3,
      extraArgs: ['--game', 'lobby/fixtures/games/migration-game.ts'],
    });
    for (const name of ['driver', 'walker']) await register(cluster.loginUrl, name, PASSWORD);
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'driver', PASSWORD), 15_000, 200);
    lobbyIds = await Promise.all(cluster.lobbies.map((lobby) => cluster.serverIdOf(lobby)));
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it(`loses no call and no state while an entity moves ${MOVES} times under calls from the three lobbies`, async () => {
    const { token, gate } = await login(cluster.loginUrl, 'driver', PASSWORD);
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    try {
      await client.auth(token);
      expect(await client.request('driver.start', lobbyIds, MOVES, CALLS_PER_LOBBY)).toBe(true);
      const report = await waitUntil('the scenario is over', async () => (await client.request<ScenarioReport | string | null>('driver.report')) ?? undefined, 240_000, 500);
      if (typeof report === 'string') throw new Error(`the scenario failed: ${report}`);
      expect(report.moveFailures).toEqual([]);
      expect(report.streams.flatMap((s) => s.failed)).toEqual([]);
      const acked = report.streams.reduce((sum, s) => sum + s.acked, 0);
      expect(acked).toBe(3 * CALLS_PER_LOBBY);
      expect(report.ledger.count).toBe(acked);
      // What the last move saved is what the last lobby loaded from the store.
      expect(report.ledger.loaded).toBe(acked);
      expect(lobbyIds).toContain(report.ledger.lobby);
    } finally {
      client.close();
    }
  }, 300_000);

  it("moves a player's avatar between lobbies while its client sends requests: none fails, replies in order, no reconnect", async () => {
    const { token, gate } = await login(cluster.loginUrl, 'walker', PASSWORD);
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    try {
      const rebounds: unknown[] = [];
      client.on('sys.rebound', (body) => rebounds.push(body));
      await client.auth(token);
      const first = await client.request<Step>('Steps.step');
      const visited = new Set([first.lobby]);
      let at = first.lobby;
      const replies: Step[] = [first];
      for (let move = 0; move < 6; move++) {
        const next = lobbyIds[(lobbyIds.indexOf(at) + 1) % lobbyIds.length]!;
        // Sent together, without waiting: some run before the move, some wait at the gate for it.
        const before = Array.from({ length: 5 }, () => client.request<Step>('Steps.step'));
        const travel = client.request<boolean>('driver.travel', next);
        const behind = Array.from({ length: 10 }, () => client.request<Step>('Steps.step'));
        expect(await travel).toBe(true);
        replies.push(...(await Promise.all([...before, ...behind])));
        // Every request is answered (a failure throws here); the move is done once one runs there.
        const deadline = Date.now() + 30_000;
        while (replies.at(-1)!.lobby !== next) {
          if (Date.now() > deadline) throw new Error(`the avatar did not reach ${next} within 30 s`);
          replies.push(await client.request<Step>('Steps.step'));
        }
        visited.add(next);
        at = next;
      }
      expect(replies.map((r) => r.count)).toEqual(Array.from({ length: replies.length }, (_, i) => i + 1));
      expect(visited.size).toBe(3);
      expect(rebounds).toEqual([]);
      expect(client.isOpen).toBe(true);
    } finally {
      client.close();
    }
  }, 120_000);
});
