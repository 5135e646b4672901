/**
 * A player crossing from a space on one lobby to a space on another, in a real cluster (main.ts
 * processes on the harness's etcd, FerretDB and Redis: one gate, two lobbies) running
 * gate/fixtures/travel-game.ts. The client keeps sending requests while it moves, some of them in
 * flight at the old lobby when the move starts: none fails, the replies come in order, the client
 * hears `sys.space` naming the new space, the saved counter carries on, the requests after
 * the move run on the other lobby, and the client's world mirror shows the new room (its sign,
 * the avatar with its owner-only counter) and nothing of the old one.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { login, register } from '../client-sim/login.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';

interface Step {
  count: number;
  lobby: string;
  space: string | undefined;
}

describe('a player moving between spaces on two lobbies', () => {
  let cluster: ProcessCluster;
  let lobbyIds: string[];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `space-move-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      extraArgs: ['--game', 'gate/fixtures/travel-game.ts'],
    });
    await register(cluster.loginUrl, 'traveller', PASSWORD);
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'traveller', PASSWORD), 15_000, 200);
    lobbyIds = await Promise.all(cluster.lobbies.map((lobby) => cluster.serverIdOf(lobby)));
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  it('keeps every request answered, in order, across the move, and carries the saved state to the other lobby', async () => {
    const { token, gate } = await login(cluster.loginUrl, 'traveller', PASSWORD);
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    try {
      const spaces: unknown[] = [];
      const rebounds: unknown[] = [];
      client.on('sys.space', (body) => spaces.push(body));
      client.on('sys.rebound', (body) => rebounds.push(body));
      await client.auth(token);

      const first = await client.request<Step>('Counter.step');
      const from = first.lobby;
      const to = lobbyIds.find((id) => id !== from)!;
      expect(first).toEqual({ count: 1, lobby: from, space: `room@${from}` });
      const avatar = `avatar-${client.session!.uid}`;
      const seen = (): string[] => [...client.world.entities.keys()].sort();
      // The room syncs to the client: its sign, and the avatar with its counter.
      await client.world.waitFor((w) => w.get(avatar)?.values['Counter']?.['count'] === 1 && w.entities.has(`sign@room@${from}`), 10_000);
      expect(seen()).toEqual([avatar, `sign@room@${from}`].sort());
      expect(client.world.space).toMatchObject({ id: `room@${from}`, type: 'room', lobbyId: from });
      expect(client.world.get(`sign@room@${from}`)!.values).toEqual({ Label: { lobby: from } });
      // Both rooms are in discovery: the other lobby's is found from this one.
      expect(await client.request('travel.find', `room@${to}`)).toEqual({ id: `room@${to}`, type: 'room', lobbyId: to });

      // Sent together, without waiting: those before the move reach the old lobby; those behind it
      // reach it too or wait at the gate for the new lobby, as they come.
      const before = Array.from({ length: 10 }, () => client.request<Step>('Counter.step'));
      const travel = client.request<boolean>('travel.to', `room@${to}`);
      const behind = Array.from({ length: 20 }, () => client.request<Step>('Counter.step'));
      expect(await travel).toBe(true);
      const after = Array.from({ length: 30 }, () => client.request<Step>('Counter.step'));
      const replies = await Promise.all([...before, ...behind, ...after]);

      // None failed, the replies kept their order, and the counter the old lobby saved went on on the new one.
      expect(replies.map((r) => r.count)).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
      // Those sent before the move ran on the old lobby; once one ran on the new lobby, every later one did.
      const moved = replies.findIndex((r) => r.lobby === to);
      const switched = moved < 0 ? replies.length : moved;
      // The gate had the move before the reply to travel.to: what was sent after that reply waited for the new lobby.
      expect(switched).toBeGreaterThanOrEqual(10);
      expect(switched).toBeLessThanOrEqual(30);
      expect(replies.slice(0, switched).every((r) => r.lobby === from && r.space === `room@${from}`)).toBe(true);
      expect(replies.slice(switched).every((r) => r.lobby === to && r.space === `room@${to}`)).toBe(true);
      expect(await client.request<Step>('Counter.step')).toEqual({ count: 62, lobby: to, space: `room@${to}` });

      expect(spaces.at(-1)).toEqual({ spaceId: `room@${to}`, type: 'room', lobbyId: to });
      // The new lobby's room sent a snapshot: the mirror holds the new room and nothing of the old.
      await client.world.waitFor((w) => w.entities.has(`sign@room@${to}`) && w.get(avatar)?.values['Counter']?.['count'] === 62, 10_000);
      expect(seen()).toEqual([avatar, `sign@room@${to}`].sort());
      expect(client.world.space).toMatchObject({ id: `room@${to}`, type: 'room', lobbyId: to });
      expect(client.world.get(`sign@room@${to}`)!.values).toEqual({ Label: { lobby: to } });
      expect(client.world.faults).toBe(0);
      expect(rebounds).toEqual([]);
      expect(client.isOpen).toBe(true);
    } finally {
      client.close();
    }
  }, 60_000);
});
