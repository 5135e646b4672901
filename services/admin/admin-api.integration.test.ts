/**
 * The admin API on a cluster of real processes (main.ts: services, one gate, two lobbies running
 * gate/fixtures/travel-game.ts on the harness's etcd, FerretDB and Redis) steering a real client
 * of the SDK: an administrator logs in, sees the servers and their live figures, finds the
 * player's session (gate, lobby, space, avatar), reads the avatar's stored and live state, sends
 * it system messages, blocks and restores a route with the gate's rules, kicks it with a reason
 * the client receives, and drains a lobby, which deregisters and exits.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../../client-sim/gate-client.js';
import { login, register } from '../../client-sim/login.js';
import { connectGate } from '../../client-sim/node-client.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../../gate/fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
const API_KEY = 'integration-key-'.padEnd(48, 'x');

describe('the admin API on a cluster of processes', () => {
  let cluster: ProcessCluster;
  let admin: string;
  let token: string;
  let client: GateClient;
  let uid: string;
  let gateId: string;

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, credential = token): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${admin}${path}`, {
      method,
      headers: { authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `admin-api-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      lobbies: 2,
      extraArgs: ['--game', 'gate/fixtures/travel-game.ts', '--admin.accounts', 'root', '--admin.apiKeys.ops', API_KEY],
    });
    admin = `${cluster.loginUrl}/admin`;
    gateId = await cluster.serverIdOf(cluster.gates[0]!);
    await register(cluster.loginUrl, 'root', PASSWORD);
    await register(cluster.loginUrl, 'walker', PASSWORD);
    const res = await fetch(`${admin}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root', password: PASSWORD }) });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { token: string }).token;
    const { token: playerToken } = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'walker', PASSWORD), 15_000, 200);
    const gate = cluster.gates[0]!.ready.gate!;
    client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    uid = (await client.auth(playerToken)).uid;
  }, 120_000);

  afterAll(async () => {
    if (client?.isOpen) client.close();
    await cluster?.stop();
  }, 60_000);

  it('lists every server with its load, and gathers their live figures', async () => {
    const ids = await Promise.all(cluster.all().map((p) => cluster.serverIdOf(p)));
    const { json: listed } = await call('GET', '/servers');
    expect(listed.servers.map((s: { id: string }) => s.id).sort()).toEqual([...ids].sort());
    expect(listed.servers.every((s: { version: string; draining: boolean }) => s.version !== '' && !s.draining)).toBe(true);
    const { json: stats } = await waitUntil('every server answers stats', async () => {
      const answer = await call('GET', '/stats', undefined, API_KEY);
      return answer.json.servers.length === ids.length && answer.json.servers.every((s: { ok: boolean }) => s.ok) && answer;
    }, 20_000, 200);
    const lobbies = stats.servers.filter((s: { type: string }) => s.type === 'lobby');
    expect(lobbies).toHaveLength(2);
    for (const lobby of lobbies) expect(lobby).toEqual(expect.objectContaining({ tickMs: expect.objectContaining({ mean: expect.any(Number) }), heapUsedBytes: expect.any(Number) }));
  });

  it("finds the player's session by username with its gate, lobby, space and avatar, and reads the avatar's state", async () => {
    const place = await waitUntil('the session bound in a room', async () => {
      const { json } = await call('GET', '/sessions?username=walker');
      return json.space !== undefined && json;
    }, 20_000, 200);
    expect(place).toEqual(expect.objectContaining({ account: uid, username: 'walker', online: true, gate: gateId, lobby: expect.any(String), avatar: expect.any(String) }));
    expect(place.space).toBe(`room@${place.lobby}`);
    expect((await call('GET', `/sessions?account=${uid}`)).json).toEqual(expect.objectContaining({ online: true, lobby: place.lobby }));
    const entity = await waitUntil('the avatar stored', async () => {
      const { json } = await call('GET', `/entities/Traveller/${encodeURIComponent(place.avatar)}`);
      return json.persisted !== null && json;
    }, 20_000, 200);
    expect(entity.live).toEqual({ server: place.lobby, state: { Counter: { count: 0 } } });
    expect(entity.persisted).toEqual(expect.objectContaining({ type: 'Traveller' }));
  });

  it('sends system messages on sys.message to the account and to everyone', async () => {
    const received: unknown[] = [];
    client.on('sys.message', (body) => received.push(body));
    expect((await call('POST', '/messages', { to: { account: uid }, text: 'hello walker' })).json).toEqual({ delivered: 1, offline: 0 });
    expect((await call('POST', '/messages', { to: { everyone: true }, text: 'hello all' })).json).toEqual({ delivered: 1, offline: 0 });
    await waitUntil('both messages received', () => received.length === 2, 10_000);
    expect(received).toEqual([
      { text: 'hello walker', from: 'admin', at: expect.any(Number) },
      { text: 'hello all', from: 'admin', at: expect.any(Number) },
    ]);
  });

  it("blocks a route with the gate's rules from the body, and restores them from its configuration files", async () => {
    expect(await client.request('travel.find', 'nowhere')).toBeNull();
    const blocked = await call('POST', `/gates/${gateId}/reload-rules`, { rules: { 'travel.*': 'block', 'sys.*': 'block', 'admin.*': 'block' } });
    expect(blocked.json.rules).toEqual({ 'travel.*': 'block', 'sys.*': 'block', 'admin.*': 'block' });
    const refused = await client.request('travel.find', 'nowhere').catch((err: unknown) => err);
    expect(refused).toEqual(expect.objectContaining({ serverCode: 'GATE_ERR_ROUTE_BLOCKED' }));
    const restored = await call('POST', `/gates/${gateId}/reload-rules`);
    expect(restored.json.rules['travel.*']).toBeUndefined();
    expect(await client.request('travel.find', 'nowhere')).toBeNull();
  });

  it('kicks the player, who receives GATE_ERR_KICKED with the reason', async () => {
    const closed = new Promise<{ name: string; message: string }>((resolve) => client.onClose((reason) => resolve(reason)));
    expect((await call('POST', `/sessions/${uid}/kick`, { reason: 'spamming the chat' })).json).toEqual({ kicked: true });
    expect(await closed).toEqual(expect.objectContaining({ name: 'GATE_ERR_KICKED', message: 'spamming the chat' }));
    await waitUntil('the account offline', async () => (await call('GET', `/sessions?account=${uid}`)).json.online === false, 10_000, 100);
  });

  it('drains a lobby: it deregisters and its process exits', async () => {
    const lobby = cluster.lobbies[1]!;
    const lobbyId = await cluster.serverIdOf(lobby);
    expect((await call('POST', `/servers/${lobbyId}/drain`)).json).toEqual({ draining: true });
    expect(await lobby.exited).toBe(0);
    expect(lobby.output()).toContain('admin drain');
    await waitUntil('the lobby gone from /admin/servers', async () => !(await call('GET', '/servers')).json.servers.some((s: { id: string }) => s.id === lobbyId), 20_000, 200);
  }, 60_000);

  it('refuses a call without a credential and serves the OpenAPI document to anyone', async () => {
    expect((await call('GET', '/servers', undefined, 'wrong')).status).toBe(401);
    const doc = (await (await fetch(`${admin}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/admin/sessions/{account}/kick');
  });
});
