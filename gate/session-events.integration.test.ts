/**
 * Session events in a real cluster (main.ts processes on the harness's etcd, FerretDB and Redis:
 * two gates, three lobbies, running gate/fixtures/travel-game.ts). The test listens as any server
 * would, with a hub of its own on the cluster's Redis prefix: it hears the player's bind, a rebind
 * to another lobby after the player's lobby is SIGKILLed, and the close when the player leaves,
 * each naming the gate that holds the session.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { login, register } from '../client-sim/login.js';
import { RedisPubSub } from '../engine/hub/redis-pub-sub.js';
import { subscribeSessionEvents, type SessionEvent } from '../engine/hub/session-events.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';

describe('session events across a cluster of processes', () => {
  let cluster: ProcessCluster;
  let redis: Redis;
  let hub: RedisPubSub;
  const events: SessionEvent[] = [];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `session-events-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 2,
      lobbies: 3,
      extraArgs: ['--game', 'gate/fixtures/travel-game.ts'],
    });
    redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
    hub = new RedisPubSub({ redis, prefix: cluster.redisPrefix, logger: new MemoryLogger() });
    await hub.start();
    await subscribeSessionEvents(hub, (event) => void events.push(event));
    await register(cluster.loginUrl, 'watched', PASSWORD);
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'watched', PASSWORD), 15_000, 200);
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    await redis?.quit();
    await cluster?.stop();
  }, 60_000);

  it('publishes the bind, a rebind after the lobby is SIGKILLed, and the close, from the gate that holds the session', async () => {
    const { token, gate, uid } = await login(cluster.loginUrl, 'watched', PASSWORD);
    const gateIds = await Promise.all(cluster.gates.map((g) => cluster.serverIdOf(g)));
    expect(gateIds).toContain(gate.id);
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    const mine = (): SessionEvent[] => events.filter((e) => e.uid === uid);
    try {
      await client.auth(token);
      const sessionId = client.session!.sessionId;
      const { lobby: first } = await client.request<{ lobby: string }>('Counter.step');
      const bind = await waitUntil('the bind event', () => mine().find((e) => e.kind === 'bind'), 30_000, 50);
      expect(bind).toMatchObject({ kind: 'bind', uid, sessionId, gateId: gate.id, lobbyId: first });

      const killed = cluster.lobbies[(await Promise.all(cluster.lobbies.map((l) => cluster.serverIdOf(l)))).indexOf(first)]!;
      await cluster.restart(killed, 'SIGKILL');
      const rebind = await waitUntil('the rebind event', () => mine().find((e) => e.kind === 'rebind'), 60_000, 100);
      expect(rebind).toMatchObject({ kind: 'rebind', uid, sessionId, gateId: gate.id });
      expect(rebind.lobbyId).not.toBe(first);
      // The player plays on where the event says.
      expect((await client.request<{ lobby: string }>('Counter.step')).lobby).toBe(rebind.lobbyId);

      client.close();
      const close = await waitUntil('the close event', () => mine().find((e) => e.kind === 'close'), 30_000, 50);
      expect(close).toMatchObject({ kind: 'close', uid, sessionId, gateId: gate.id, lobbyId: rebind.lobbyId });
      expect(mine().map((e) => e.kind)).toEqual(['bind', 'rebind', 'close']);
      expect(bind.at).toBeLessThanOrEqual(rebind.at);
      expect(rebind.at).toBeLessThanOrEqual(close.at);
    } finally {
      client.close();
    }
  }, 180_000);
});
