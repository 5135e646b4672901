/**
 * A real gate and real lobbies (session hosts with the lobby tests' probed avatar) in one process,
 * on loopback RPC, driven by the client SDK: what a client sees of a game's errors and of
 * internal ones, of the gate's own refusals (a reply too large, a malformed sys.auth, too many
 * requests waiting, a lobby that does not answer, a kick from the lobby), and session data and
 * hooks across a rebind to another lobby.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { RequestError, type GateClient } from '../client-sim/gate-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import type { Store } from '../engine/persist/store.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { GATE_SERVICE, LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { LOBBY_ERRORS } from '../lobby/errors.js';
import { defaults } from '../engine/config/defaults.js';
import { ProbedAvatar } from '../lobby/fixtures/lobby-cluster.js';
import { SessionHost } from '../lobby/session-host.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

describe('a gate with real lobbies', () => {
  const clock = new SystemClock();
  let dir: string;
  let store: Store;
  let nodes: TestNodes;
  let cluster: MemoryCluster;
  let gate: Gate;
  let clients: GateClient[];
  const lobbies = new Map<string, { host: SessionHost; logger: MemoryLogger; member: MemoryDiscovery }>();

  const node = (id: string) => nodes.nodes.find((n) => n.serverId === id)!;

  async function startLobby(id: string) {
    const logger = new MemoryLogger();
    const registry = new EntityRegistry().register('Avatar', ProbedAvatar);
    const world = new World({ logger, clock, registry });
    const persistence = new EntityPersistence({ world, registry, store, logger, clock, owner: id });
    const host = new SessionHost({ rpc: node(id), world, registry, persistence, clock, logger });
    node(id).serve(LOBBY_SESSIONS_SERVICE, host, LOBBY_SESSIONS_METHODS);
    const member = new MemoryDiscovery({ cluster, clock, logger });
    await member.start();
    await member.register({ id, type: 'lobby', address: node(id).address, version: '1', startedAt: 0, load });
    const lobby = { host, logger, member };
    lobbies.set(id, lobby);
    return lobby;
  }

  async function player(uid: string): Promise<GateClient> {
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    await client.auth(uid);
    return client;
  }

  const failure = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: unknown) => err) as Promise<RequestError>;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gate-lobby-'));
    store = openLmdbStore({ path: dir, clock });
    nodes = await startTestNodes(['gate-1', 'lobby-1', 'lobby-2']);
    cluster = new MemoryCluster({ clock });
    clients = [];
    ProbedAvatar.hooks.length = 0;
    ProbedAvatar.hookAction = undefined;
    const logger = new MemoryLogger();
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    gate = new Gate(testGateOptions({ rpc: node('gate-1'), discovery, lobbyErrors: [LOBBY_ERRORS], clock, timers: new TimerService({ clock, logger }), logger }));
    await gate.start();
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gate.stop();
    for (const { member } of lobbies.values()) await member.stop();
    lobbies.clear();
    await nodes.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers a client with a GameError's own code and message, as wire code 6000", async () => {
    await startLobby('lobby-1');
    const client = await player('u1');
    const err = await failure(client.request('Probe.refuse'));
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GAME_ERR_NO_ENTRY', wireCode: 6000, serverMessage: 'no entry', errorId: undefined });
  });

  it("answers anything else with the generic internal error and a correlation id that the lobby's error log line carries", async () => {
    const lobby = await startLobby('lobby-1');
    const client = await player('u1');
    for (const route of ['Probe.leak', 'Probe.fail']) {
      const err = await failure(client.request(route, 'secret detail'));
      expect(err).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'LOBBY_ERR_INTERNAL', wireCode: 6013, serverMessage: 'internal error' });
      expect(err.errorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      // Nothing of the cause reaches the client: not an engine code, not a host, not the game's text.
      // The random id is left out: its hex digits could spell anything.
      expect(JSON.stringify({ ...err, message: err.message }).split(err.errorId!).join('')).not.toMatch(/STORE_ERR|db-7|secret detail|stack/);
      const logged = lobby.logger.at('error').find((l) => l.meta.errorId === err.errorId);
      expect(logged).toMatchObject({ message: 'lobby: game method failed', meta: { route } });
      expect((logged!.meta.err as Error).stack).toMatch(/at /);
    }
    expect(await client.request('Echo.echo', 'still open')).toBe('still open');
  });

  it('answers a reply larger than the message limit with GATE_ERR_RESPONSE_TOO_LARGE, and serves the next request', async () => {
    await startLobby('lobby-1');
    const client = await player('u1');
    const err = await failure(client.request('Probe.large', 70_000));
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_RESPONSE_TOO_LARGE', wireCode: 4115 });
    expect(await client.request('Probe.large', 1_000)).toHaveLength(1_000);
  });

  it('answers a sys.auth whose payload is not [token, resume?] with GATE_ERR_BAD_REQUEST, and lets the client log in after', async () => {
    await startLobby('lobby-1');
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    for (const args of [[42], ['u1', 'not a resume'], ['u1', {}, 'extra']]) {
      expect(await failure(client.request('sys.auth', ...args))).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_BAD_REQUEST', wireCode: 4114 });
    }
    await client.auth('u1');
    expect(await client.request('Echo.echo', 'in')).toBe('in');
  });

  it('refuses a request past gate.maxPending with GATE_ERR_TOO_MANY_PENDING, and fails those the lobby leaves unanswered with GATE_ERR_LOBBY_FAILED', async () => {
    await startLobby('lobby-1');
    const client = await player('u1');
    // Each hangs in the lobby (the first runs forever, the others wait behind it in the avatar's queue).
    const hanging = Array.from({ length: defaults.gate.maxPending }, () => failure(client.request('Probe.hang')));
    expect(await failure(client.request('Echo.echo', 'one too many'))).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_TOO_MANY_PENDING', wireCode: 4112 });
    // The gate's deadline for a lobby's answer (2 s in the test gate) fails each of them.
    for (const err of await Promise.all(hanging)) expect(err).toMatchObject({ code: 'CLIENT_ERR_REQUEST_REFUSED', serverCode: 'GATE_ERR_LOBBY_FAILED', wireCode: 4107 });
    expect(client.isOpen).toBe(true);
  });

  it('closes the connection of a session its lobby kicks with GATE_ERR_KICKED and the reason the lobby gave', async () => {
    await startLobby('lobby-1');
    const client = await player('u1');
    const closed = new Promise((resolve) => client.onClose((reason, err) => resolve({ reason, err })));
    // What a lobby's session.kick sends to the gate that holds the player.
    await node('lobby-1').call('gate-1', GATE_SERVICE, 'kick', [client.session!.sessionId, 'banned for cheating']);
    expect(await closed).toMatchObject({
      reason: { name: 'GATE_ERR_KICKED', code: 4113, message: 'banned for cheating' },
      err: { code: 'CLIENT_ERR_KICKED', serverCode: 'GATE_ERR_KICKED', wireCode: 4113 },
    });
  });

  it('ignores the kick of a lobby the session is not bound to (rebound away while that lobby was out of reach), and obeys its own lobby', async () => {
    await startLobby('lobby-1');
    const client = await player('u1');
    const closed = new Promise((resolve) => client.onClose((reason) => resolve(reason)));
    await node('lobby-1').call('gate-1', GATE_SERVICE, 'kick', [client.session!.sessionId, 'LOBBY_ERR_OWNERSHIP_LOST', 'lobby-2']);
    expect(await client.request('Echo.echo', 'still here')).toBe('still here');
    expect(client.isOpen).toBe(true);
    await node('lobby-1').call('gate-1', GATE_SERVICE, 'kick', [client.session!.sessionId, 'banned', 'lobby-1']);
    expect(await closed).toMatchObject({ name: 'GATE_ERR_KICKED', message: 'banned' });
  });

  it('lists the routes a session may call on sys.routes, less those its rules block, and only after login', async () => {
    await startLobby('lobby-1');
    gate.reloadRules({ 'Probe.leak': 'block', 'Probe.fail': 'block' });
    const client = await player('u1');
    const routes = await client.request<string[]>('sys.routes');
    expect(routes).toEqual(expect.arrayContaining(['Echo.echo', 'Probe.refuse', 'Probe.whoami']));
    expect(routes).not.toContain('Probe.leak');
    expect(routes).not.toContain('Probe.fail');
    expect(routes).toEqual([...routes].sort());

    const meta = gate.meta();
    const guest = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(guest);
    expect(await failure(guest.request('sys.routes'))).toMatchObject({ serverCode: 'GATE_ERR_NOT_AUTHENTICATED' });
  });

  it('carries the session data to the lobby a rebind moves the session to, and calls onRebound there', async () => {
    const first = await startLobby('lobby-1');
    const client = await player('u1');
    await client.request('Probe.remember', 'match', { id: 7, team: 'red' });
    const rebound = new Promise((resolve) => client.on('sys.rebound', resolve));
    await startLobby('lobby-2');
    // lobby-1 shuts down: it saves and gives its claims back, then leaves the cluster.
    await first.host.drain();
    await first.member.stop();
    expect(await rebound).toEqual({ lobbyId: 'lobby-2' });
    expect(await client.request('Probe.recall')).toEqual({ match: { id: 7, team: 'red' } });
    expect(ProbedAvatar.hooks.map(([hook]) => hook)).toEqual(['onOnline', 'onRebound']);
  });
});
