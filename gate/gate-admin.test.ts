/**
 * The gate's part of the admin service on a real gate and a real lobby (session host) in one
 * process, on loopback RPC, with a client of the SDK: a session's account and lobby, a push to
 * every session, and a reload of the route rules.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { EntityPersistence } from '../engine/ecs/entity-persistence.js';
import { EntityRegistry } from '../engine/ecs/entity-registry.js';
import { World } from '../engine/ecs/world.js';
import { openLmdbStore } from '../engine/persist/lmdb-store.js';
import type { Store } from '../engine/persist/store.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { LOBBY_ERRORS } from '../lobby/errors.js';
import { ProbedAvatar } from '../lobby/fixtures/lobby-cluster.js';
import { SessionHost } from '../lobby/session-host.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { gateAdmin } from './gate-admin.js';
import { Gate } from './gate.js';

describe('gateAdmin', () => {
  const clock = new SystemClock();
  let dir: string;
  let store: Store;
  let nodes: TestNodes;
  let gate: Gate;
  let client: GateClient;
  let lobbyMember: MemoryDiscovery;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gate-admin-'));
    store = openLmdbStore({ path: dir, clock });
    nodes = await startTestNodes(['gate-1', 'lobby-1']);
    const [gateNode, lobbyNode] = nodes.nodes;
    const cluster = new MemoryCluster({ clock });
    const logger = new MemoryLogger();
    const registry = new EntityRegistry().register('Avatar', ProbedAvatar);
    const world = new World({ logger, clock, registry });
    const persistence = new EntityPersistence({ world, registry, store, logger, clock, owner: 'lobby-1' });
    lobbyNode!.serve(LOBBY_SESSIONS_SERVICE, new SessionHost({ rpc: lobbyNode!, world, registry, persistence, clock, logger }), LOBBY_SESSIONS_METHODS);
    lobbyMember = new MemoryDiscovery({ cluster, clock, logger });
    await lobbyMember.start();
    await lobbyMember.register({ id: 'lobby-1', type: 'lobby', address: lobbyNode!.address, version: '1', startedAt: 0, load: { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    gate = new Gate(testGateOptions({ rpc: gateNode!, discovery, lobbyErrors: [LOBBY_ERRORS], clock, timers: new TimerService({ clock, logger }), logger }));
    await gate.start();
    const meta = gate.meta();
    client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    await client.auth('u1');
  });

  afterEach(async () => {
    client.close();
    await gate.stop();
    await lobbyMember.stop();
    await nodes.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('describes a session by id with its account and lobby, and knows no other', async () => {
    const admin = gateAdmin(gate, () => ({}));
    await client.request('Probe.whoami');
    expect(admin.sessionCount).toBe(1);
    expect(admin.session(client.session!.sessionId)).toEqual({ uid: 'u1', lobby: 'lobby-1' });
    expect(admin.session('no-such-session')).toBeUndefined();
  });

  it('pushes a body to every session it holds', async () => {
    const received = new Promise((resolve) => client.on('sys.message', resolve));
    expect(await gateAdmin(gate, () => ({})).broadcast('sys.message', new MsgpackCodec().encode({ text: 'hi' }))).toBe(1);
    expect(await received).toEqual({ text: 'hi' });
  });

  it('replaces the route rules with those given or those the loader reads, and keeps them when a set is invalid', async () => {
    const admin = gateAdmin(gate, () => ({ '*': 'auth', 'Probe.*': 'pass' }));
    expect(admin.reloadRules({ 'Probe.*': 'block' })).toEqual({ 'Probe.*': 'block' });
    expect(gate.routeRules).toEqual({ 'Probe.*': 'block' });
    await expect(client.request('Probe.whoami')).rejects.toMatchObject({ serverCode: 'GATE_ERR_ROUTE_BLOCKED' });
    expect(() => admin.reloadRules({ 'Probe.*': 'allow' })).toThrow(/unknown action/);
    expect(gate.routeRules).toEqual({ 'Probe.*': 'block' });
    expect(admin.reloadRules(undefined)).toEqual({ '*': 'auth', 'Probe.*': 'pass' });
    await expect(client.request('Probe.whoami')).resolves.toBeDefined();
  });
});
