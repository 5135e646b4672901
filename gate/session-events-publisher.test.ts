/**
 * A gate's session events on the hub's topic: a real Gate on a TCP port, real RPC nodes,
 * in-memory discovery and hub, and lobbies that are small 'sessions' services (the real-process
 * cluster is in session-events.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import type { GateClient } from '../client-sim/gate-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { MemoryPubSub } from '../engine/hub/memory-pub-sub.js';
import { SESSION_EVENTS_TOPIC, subscribeSessionEvents, type SessionEvent } from '../engine/hub/session-events.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { GATE_SERVICE, LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, MOVE_OUTCOME, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';
import { publishSessionEvents } from './session-events-publisher.js';

/** A lobby that binds every session. */
class TestLobby implements LobbySessions {
  constructor(readonly id: string) {}
  async bind(info: SessionInfo, rebound: boolean): Promise<BindResult> {
    return { avatar: { serverId: this.id, entityId: `avatar-${info.uid}` }, loaded: rebound };
  }
  async request(): Promise<Uint8Array> {
    return new Uint8Array([0xc0]);
  }
  async notify(): Promise<void> {}
  async close(): Promise<void> {}
  async resumed(): Promise<void> {}
  // The new lobby took the player (in a real lobby, its bind of the migrated session).
  async migrate(_sessionId: string, lobbyId: string): Promise<string> {
    return lobbyId;
  }
}

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };
const WAIT = { timeout: 10_000, interval: 10 };

describe('session events published by a gate', () => {
  const clock = new SystemClock();
  let logger: MemoryLogger;
  let nodes: TestNodes;
  let cluster: MemoryCluster;
  let members: Map<string, MemoryDiscovery>;
  let gate: Gate;
  let hub: MemoryPubSub;
  let events: SessionEvent[];
  let clients: GateClient[];

  const node = (id: string) => nodes.nodes.find((n) => n.serverId === id)!;
  // What the tests compare: everything but the time.
  const seen = (): Omit<SessionEvent, 'at'>[] => events.map(({ at: _at, ...rest }) => rest);

  async function joinLobby(id: string): Promise<void> {
    node(id).serve(LOBBY_SESSIONS_SERVICE, new TestLobby(id), LOBBY_SESSIONS_METHODS);
    const member = new MemoryDiscovery({ cluster, clock, logger });
    await member.start();
    await member.register({ id, type: 'lobby', address: node(id).address, version: '1', startedAt: 0, load });
    members.set(id, member);
  }

  async function player(uid: string): Promise<GateClient> {
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    await client.auth(uid);
    return client;
  }

  beforeEach(async () => {
    logger = new MemoryLogger();
    nodes = await startTestNodes(['gate-1', 'lobby-1', 'lobby-2']);
    cluster = new MemoryCluster({ clock });
    members = new Map();
    clients = [];
    events = [];
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    gate = new Gate(testGateOptions({ rpc: node('gate-1'), discovery, clock, timers: new TimerService({ clock, logger }), logger }));
    hub = new MemoryPubSub({ logger });
    publishSessionEvents({ source: gate.sessions.events, hub, gateId: () => 'gate-1', clock, logger });
    await subscribeSessionEvents(hub, (event) => void events.push(event));
    await gate.start();
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gate.stop();
    await nodes.stop();
    await hub.stop();
  });

  it('tells of a bind at login, a rebind when the lobby leaves and when the session moves, and a close when it ends', async () => {
    await joinLobby('lobby-1');
    await joinLobby('lobby-2');
    const before = Date.now();
    const client = await player('u1');
    const sessionId = client.session!.sessionId;
    await vi.waitFor(() => expect(events).toHaveLength(1), WAIT);
    const lobby1 = events[0]!.lobbyId!;
    const lobby2 = lobby1 === 'lobby-1' ? 'lobby-2' : 'lobby-1';
    expect(events[0]!.at).toBeGreaterThanOrEqual(before);

    expect(await gate.sessions.moveAndWait(sessionId, lobby2, 'arena-1')).toBe(MOVE_OUTCOME.MOVED);
    await members.get(lobby2)!.stop();
    await vi.waitFor(() => expect(events).toHaveLength(3), WAIT);
    await node(lobby1).call('gate-1', GATE_SERVICE, 'kick', [sessionId, 'cheating']);
    await vi.waitFor(() => expect(events).toHaveLength(4), WAIT);

    const session = { uid: 'u1', sessionId, gateId: 'gate-1' };
    expect(seen()).toEqual([
      { kind: 'bind', ...session, lobbyId: lobby1 },
      { kind: 'rebind', ...session, lobbyId: lobby2, reason: 'moved' },
      { kind: 'rebind', ...session, lobbyId: lobby1 },
      // The kick closes the connection first, which ends the session with the gate's code.
      { kind: 'close', ...session, lobbyId: lobby1, reason: 'GATE_ERR_KICKED' },
    ]);
  });

  it('tells of a close when a dropped connection is not resumed, not before', async () => {
    await joinLobby('lobby-1');
    const client = await player('u2');
    await vi.waitFor(() => expect(seen().map((e) => e.kind)).toEqual(['bind']), WAIT);
    // A logout: the client says so, and the session ends at once.
    client.close();
    await vi.waitFor(() => expect(seen().map((e) => e.kind)).toEqual(['bind', 'close']), WAIT);
    expect(seen()[1]).toMatchObject({ uid: 'u2', lobbyId: 'lobby-1' });
  });

  it('skips what is on the topic but is not a session event', async () => {
    await hub.publish(SESSION_EVENTS_TOPIC, { kind: 'bind', uid: 7 });
    await hub.publish(SESSION_EVENTS_TOPIC, { kind: 'close', uid: 'u', sessionId: 's', gateId: 'g', at: 1 });
    await vi.waitFor(() => expect(seen()).toEqual([{ kind: 'close', uid: 'u', sessionId: 's', gateId: 'g' }]), WAIT);
  });

  it('logs a publish that fails, and the session goes on', async () => {
    await joinLobby('lobby-1');
    await hub.stop();
    const client = await player('u3');
    expect(client.isOpen).toBe(true);
    await vi.waitFor(() => expect(logger.at('warn').some((l) => l.message === 'gate: a session event was not published')).toBe(true), WAIT);
    expect(String(logger.at('warn').find((l) => l.message === 'gate: a session event was not published')!.meta.err)).toContain('HUB_ERR_STOPPED');
  });
});
