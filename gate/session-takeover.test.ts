/**
 * A session resumed on another gate while its own gate is alive: two real Gates on TCP ports
 * sharing an online index, real RPC nodes, in-memory discovery, and lobbies that are small
 * 'sessions' services recording what the gates ask of them (a gate killed under its players is in
 * cluster-resume.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { encode } from '../engine/codec/msgpack-codec.js';
import { encodeAuthRequest } from '../engine/protocol/auth-request.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, UNKNOWN_SESSION_CODE, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';
import { MemoryOnlineIndex } from '../engine/hub/online-index.js';

/** A lobby that answers every request with its own id, and records binds and closes. */
// Sessions never move between lobbies here: no `migrate`.
class TestLobby implements Omit<LobbySessions, 'migrate'> {
  readonly binds: { sessionId: string; gateId: string }[] = [];
  readonly closes: string[] = [];
  readonly resumes: string[] = [];
  readonly held = new Set<string>();

  constructor(readonly id: string) {}

  async bind(info: SessionInfo): Promise<BindResult> {
    this.binds.push({ sessionId: info.sessionId, gateId: info.gateId });
    this.held.add(info.sessionId);
    return { avatar: { serverId: this.id, entityId: `avatar-${info.uid}` }, loaded: true };
  }
  async request(sessionId: string): Promise<Uint8Array> {
    if (!this.held.has(sessionId)) throw Object.assign(new Error(`no session ${sessionId}`), { code: UNKNOWN_SESSION_CODE });
    return encode(this.id);
  }
  async notify(): Promise<void> {}
  async close(sessionId: string, reason: string): Promise<void> {
    this.closes.push(`${sessionId} ${reason}`);
    this.held.delete(sessionId);
  }
  async resumed(sessionId: string): Promise<void> {
    this.resumes.push(sessionId);
  }
}

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

describe('a session taken over by another gate', () => {
  let nodes: TestNodes;
  let cluster: MemoryCluster;
  let index: MemoryOnlineIndex;
  let gates: Map<string, Gate>;
  let members: MemoryDiscovery[];
  let lobbies: Map<string, TestLobby>;
  let clients: GateClient[];
  let logger: MemoryLogger;
  const clock = new SystemClock();

  const node = (id: string) => nodes.nodes.find((n) => n.serverId === id)!;

  async function member(): Promise<MemoryDiscovery> {
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    members.push(discovery);
    return discovery;
  }

  async function joinLobby(id: string): Promise<void> {
    const lobby = new TestLobby(id);
    node(id).serve(LOBBY_SESSIONS_SERVICE, lobby, LOBBY_SESSIONS_METHODS.filter((m) => m !== 'migrate'));
    await (await member()).register({ id, type: 'lobby', address: node(id).address, version: '1', startedAt: 0, load });
    lobbies.set(id, lobby);
  }

  async function startGate(id: string): Promise<void> {
    const gate = new Gate(testGateOptions({ rpc: node(id), discovery: await member(), clock, timers: new TimerService({ clock, logger }), logger, sessions: { index } }));
    await gate.start();
    gates.set(id, gate);
  }

  async function connect(gateId: string): Promise<GateClient> {
    const meta = gates.get(gateId)!.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    return client;
  }

  /** The session of `from`, resumed by a new connection to gate `gateId`. */
  async function resumeOn(gateId: string, from: GateClient, uid: string): Promise<GateClient> {
    const client = await connect(gateId);
    client.session = from.session;
    await client.auth(uid);
    return client;
  }

  beforeEach(async () => {
    nodes = await startTestNodes(['gate-1', 'gate-2', 'lobby-1', 'lobby-2']);
    logger = new MemoryLogger();
    cluster = new MemoryCluster({ clock });
    index = new MemoryOnlineIndex();
    gates = new Map();
    members = [];
    lobbies = new Map();
    clients = [];
    await joinLobby('lobby-1');
    await joinLobby('lobby-2');
    await startGate('gate-1');
    await startGate('gate-2');
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    for (const gate of gates.values()) await gate.stop();
    for (const discovery of members) await discovery.stop();
    await nodes.stop();
  });

  it("binds the same session on the lobby that holds it, and the old gate lets go of it without closing it there, kicking the old connection", async () => {
    // Round robin on gate-1: u0 on lobby-1, u1 on lobby-2 (gate-2's own first pick would be lobby-1).
    await (await connect('gate-1')).auth('u0');
    const first = await connect('gate-1');
    const before = await first.auth('u1');
    expect(await first.request('Any.route')).toBe('lobby-2');
    const kicked = new Promise<CloseReason>((resolve) => first.onClose(resolve));

    const second = await resumeOn('gate-2', first, 'u1');
    expect(second.session).toMatchObject({ resumed: true, sessionId: before.sessionId, uid: 'u1', gateId: 'gate-2' });
    expect(second.session!.resumeToken).not.toBe(before.resumeToken);
    expect(await kicked).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN' });
    expect(await second.request('Any.route')).toBe('lobby-2');
    expect(lobbies.get('lobby-2')!.binds.at(-1)).toEqual({ sessionId: before.sessionId, gateId: 'gate-2' });
    expect(lobbies.get('lobby-2')!.resumes).toEqual([before.sessionId]);
    expect(await index.lookup('u1')).toEqual({ gateId: 'gate-2', sessionId: before.sessionId });
    expect(gates.get('gate-1')!.sessions.records().map((r) => r.uid)).toEqual(['u0']);
    for (const lobby of lobbies.values()) expect(lobby.closes).toEqual([]);

    // The token gate-1 issued is superseded: shown again, on either gate, it is refused.
    for (const gateId of ['gate-1', 'gate-2']) {
      const replay = await connect(gateId);
      const call = (replay as unknown as { call(route: string, payload: Uint8Array): Promise<Uint8Array> }).call.bind(replay);
      const refused = await call(SYSTEM_ROUTE.AUTH, encodeAuthRequest({ token: 'u1', resume: { sessionId: before.sessionId, resumeToken: before.resumeToken } })).catch((err: unknown) => err);
      expect(refused).toMatchObject({ serverCode: 'GATE_ERR_RESUME_REPLAYED' });
    }
    expect(await second.request('Any.route')).toBe('lobby-2');
  });

  it('tells of a rebind on the gate the session resumed on, and of no close on the gate that let go of it', async () => {
    const events: string[] = [];
    for (const [id, gate] of gates) gate.sessions.events.on((e) => void events.push(`${id} ${e.kind} ${e.uid} ${e.lobbyId ?? '-'}`));
    const first = await connect('gate-1');
    await first.auth('u1');
    const kicked = new Promise<CloseReason>((resolve) => first.onClose(resolve));
    await resumeOn('gate-2', first, 'u1');
    await kicked;
    expect(events).toEqual(['gate-1 bind u1 lobby-1', 'gate-2 rebind u1 lobby-1']);
  });

  it("lets go of a session without closing it on its lobby when its index refresh finds the session on another gate", async () => {
    const client = await connect('gate-1');
    const { sessionId } = await client.auth('u2');
    const kicked = new Promise<CloseReason>((resolve) => client.onClose(resolve));
    // As if gate-2 had taken the session over while gate-1 could not be reached.
    await index.claim('u2', { gateId: 'gate-2', sessionId });
    const gate = gates.get('gate-1')!;
    await gate.sessions.takenOver(await index.refresh(gate.sessions.records()));
    expect(await kicked).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN' });
    expect(gate.sessions.count).toBe(0);
    for (const lobby of lobbies.values()) expect(lobby.closes).toEqual([]);
    expect(await index.lookup('u2')).toEqual({ gateId: 'gate-2', sessionId });
  });

  it('makes a new session for the token of a session that ended', async () => {
    const client = await connect('gate-1');
    const ended = await client.auth('u3');
    client.close();
    await expect.poll(() => gates.get('gate-1')!.sessions.count).toBe(0);
    const again = await resumeOn('gate-2', client, 'u3');
    expect(again.session).toMatchObject({ resumed: false, uid: 'u3', gateId: 'gate-2' });
    expect(again.session!.sessionId).not.toBe(ended.sessionId);
  });
});
