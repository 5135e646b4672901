/**
 * Pushes to accounts anywhere and groups in a real cluster (main.ts processes on the harness's
 * etcd, FerretDB and Redis: two gates, three lobbies) running gate/fixtures/guild-game.ts, the hub
 * in Redis. Six players, three on each gate, their avatars spread over the three lobbies, chat in
 * a guild: every line (long enough to be compressed) reaches every other member once. A push to accounts anywhere reaches them
 * on both gates and reports the account that is not logged in.
 *
 * The group of 2,000 is 2,000 accounts written into the cluster's online index as logged in on
 * the two real gates (1,000 each) under session ids no connection holds, rather than 2,000
 * sockets: the gates receive the push and skip the sessions they do not have. What is counted is
 * the `push` calls each gate received (`gatePushes` on its `/health`): one per gate.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import { ClusterPush, type PushResult } from '../engine/hub/cluster-push.js';
import { RecordingRpc } from '../engine/hub/fixtures/recording-rpc.js';
import { RedisGroups } from '../engine/hub/redis-groups.js';
import { RedisOnlineIndex } from '../engine/hub/redis-online-index.js';
import type { MainProcess } from '../engine/testing/main-process.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';
import type { GuildLine } from './fixtures/guild-game.js';

const PASSWORD = 'correct-horse-battery';
const PLAYERS = 6;

interface Player {
  uid: string;
  client: GateClient;
  lines: GuildLine[];
}

async function gatePushes(gate: MainProcess): Promise<number> {
  const health = (await (await fetch(gate.ready.http)).json()) as { load: { gatePushes: number } };
  return health.load.gatePushes;
}

describe('guild chat, pushes and groups across two gates and three lobbies', () => {
  let cluster: ProcessCluster;
  let lobbyIds: string[];
  let gateIds: string[];
  const players: Player[] = [];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `guild-chat-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 2,
      lobbies: 3,
      extraArgs: ['--game', 'gate/fixtures/guild-game.ts'],
    });
    lobbyIds = await Promise.all(cluster.lobbies.map((lobby) => cluster.serverIdOf(lobby)));
    gateIds = await Promise.all(cluster.gates.map((gate) => cluster.serverIdOf(gate)));
    for (let i = 0; i < PLAYERS; i++) {
      const name = `member${i}`;
      await register(cluster.loginUrl, name, PASSWORD);
      const { token } = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, name, PASSWORD), 15_000, 200);
      const gate = cluster.gates[i % 2]!.ready.gate!;
      const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
      const player: Player = { uid: '', client, lines: [] };
      client.on('guild.line', (body) => player.lines.push(body as GuildLine));
      player.uid = (await client.auth(token)).uid;
      players.push(player);
    }
    // Player i's avatar goes to lobby i % 3.
    for (const [i, { client }] of players.entries()) {
      const target = lobbyIds[i % 3]!;
      if ((await client.request('guild.where')) === target) continue;
      await client.request('guild.go', target);
      await waitUntil(`member${i} on ${target}`, async () => (await client.request('guild.where')) === target, 20_000, 100);
    }
  }, 120_000);

  afterAll(async () => {
    for (const { client } of players) if (client.isOpen) client.close();
    await cluster?.stop();
  }, 30_000);

  it('brings each line of the chat once to every other member, on both gates, from all three lobbies', async () => {
    expect(new Set(players.map((p) => p.client.session!.gateId)).size).toBe(2);
    expect(new Set(await Promise.all(players.map((p) => p.client.request('guild.where'))))).toEqual(new Set(lobbyIds));
    for (const { client } of players) await client.request('guild.join', 'guild:1');

    // Lines long enough to be compressed: each gate compresses a line once for its listeners.
    const line = (i: number): string => `hello from ${i} ${'.'.repeat(2_000)}`;
    const results = await Promise.all(players.map((p, i) => p.client.request<PushResult>('guild.say', 'guild:1', line(i))));
    for (const result of results) expect(result).toEqual({ gates: 2, offline: [], unreached: [] });
    await waitUntil('every member heard every other', () => players.every((p) => p.lines.length >= PLAYERS - 1), 15_000, 50);

    for (const [i, player] of players.entries()) {
      const heard = player.lines.map((l) => l.text).sort();
      expect(heard).toEqual(players.map((_, j) => line(j)).filter((_, j) => j !== i).sort());
    }
    // The lines came from the lobbies the speakers' avatars are on: all three.
    expect(new Set(players.flatMap((p) => p.lines.map((l) => l.lobby)))).toEqual(new Set(lobbyIds));
  });

  it('pushes to accounts on either gate and reports the one not logged in', async () => {
    const [sender, , , onGate1, onGate0] = players as [Player, Player, Player, Player, Player];
    const before = [onGate1.lines.length, onGate0.lines.length];
    const result = await sender.client.request<PushResult>('guild.tell', [onGate1.uid, 'no-such-account', onGate0.uid], 'psst');
    expect(result).toEqual({ gates: 2, offline: ['no-such-account'], unreached: [] });
    await waitUntil('both heard it', () => onGate1.lines.length > before[0]! && onGate0.lines.length > before[1]!, 10_000, 50);
    expect(onGate1.lines.at(-1)).toMatchObject({ from: sender.uid, text: 'psst' });
    expect(onGate0.lines.at(-1)).toMatchObject({ from: sender.uid, text: 'psst' });
  });

  it('broadcasts to a group of 2,000 members with one push call per gate, counted at the gates', async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      const online = new RedisOnlineIndex(redis, { ttlMs: 120_000, prefix: cluster.redisPrefix });
      const groups = new RedisGroups(redis, new ClusterPush({ online, rpc: new RecordingRpc(), logger: new MemoryLogger() }), { prefix: cluster.redisPrefix });
      const uids = Array.from({ length: 2_000 }, (_, i) => `crowd-${i}`);
      await online.refresh(uids.map((uid, i) => ({ uid, gateId: gateIds[i % 2]!, sessionId: `no-connection-${i}` })));
      await groups.join('crowd', uids);

      const before = await Promise.all(cluster.gates.map(gatePushes));
      const result = await players[0]!.client.request<PushResult>('guild.shout', 'crowd', 'to all');
      expect(result).toEqual({ gates: 2, offline: [], unreached: [] });
      const expected = before.map((n) => n + 1);
      await waitUntil('each gate received the push', async () => (await Promise.all(cluster.gates.map(gatePushes))).every((n, i) => n >= expected[i]!), 10_000, 50);
      expect(await Promise.all(cluster.gates.map(gatePushes))).toEqual(expected);
    } finally {
      await redis.quit();
    }
  });
});
