/**
 * The gate's lobby binding against lobbies that come and go: a real Gate on a TCP port, real RPC
 * nodes, in-memory discovery, and lobbies that are small 'sessions' services recording what the
 * gate asks of them (the real lobby is in gate.integration.test.ts and cluster.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import type { GateClient } from '../client-sim/gate-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { decode, encode } from '../engine/codec/msgpack-codec.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { SESSION_DATA_LIMITS } from '../engine/session/session-data-map.js';
import { GATE_SERVICE, LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, UNKNOWN_SESSION_CODE, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';

/** A lobby that answers every request with its own id, and can hold binds open. */
// Sessions never move between lobbies here: no `migrate`.
class TestLobby implements Omit<LobbySessions, 'migrate'> {
  readonly binds: { info: SessionInfo; rebound: boolean }[] = [];
  holdBinds: Promise<void> | undefined;
  /** Sessions this lobby holds; a request for another one fails as a real lobby's would. */
  readonly held = new Set<string>();

  constructor(readonly id: string) {}

  async bind(info: SessionInfo, rebound: boolean): Promise<BindResult> {
    this.binds.push({ info, rebound });
    await this.holdBinds;
    this.held.add(info.sessionId);
    return { avatar: { serverId: this.id, entityId: `avatar-${info.uid}` }, loaded: rebound };
  }
  async request(sessionId: string): Promise<Uint8Array> {
    if (!this.held.has(sessionId)) throw Object.assign(new Error(`no session ${sessionId}`), { code: UNKNOWN_SESSION_CODE });
    return encode(this.id);
  }
  async notify(): Promise<void> {}
  async close(): Promise<void> {}
  async resumed(): Promise<void> {}
}

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

describe('gate lobby binding', () => {
  let nodes: TestNodes;
  let cluster: MemoryCluster;
  let gate: Gate;
  let members: Map<string, MemoryDiscovery>;
  let lobbies: Map<string, TestLobby>;
  let clients: GateClient[];
  const clock = new SystemClock();
  const logger = new MemoryLogger();

  const node = (id: string) => nodes.nodes.find((n) => n.serverId === id)!;

  async function joinLobby(id: string): Promise<TestLobby> {
    const lobby = new TestLobby(id);
    node(id).serve(LOBBY_SESSIONS_SERVICE, lobby, LOBBY_SESSIONS_METHODS.filter((m) => m !== 'migrate'));
    const member = new MemoryDiscovery({ cluster, clock, logger });
    await member.start();
    await member.register({ id, type: 'lobby', address: node(id).address, version: '1', startedAt: 0, load });
    members.set(id, member);
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

  beforeEach(async () => {
    nodes = await startTestNodes(['gate-1', 'lobby-1', 'lobby-2']);
    cluster = new MemoryCluster({ clock });
    members = new Map();
    lobbies = new Map();
    clients = [];
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    gate = new Gate(testGateOptions({ rpc: node('gate-1'), discovery, clock, timers: new TimerService({ clock, logger }), logger }));
    await gate.start();
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gate.stop();
    await nodes.stop();
  });

  it('moves the sessions of a lobby that left; with none left, binds them to the next lobby that comes', async () => {
    await joinLobby('lobby-1');
    const client = await player('u1');
    expect(await client.request('Any.route')).toBe('lobby-1');
    const rebound = new Promise((resolve) => client.on('sys.rebound', resolve));

    await members.get('lobby-1')!.stop();
    await expect.poll(() => client.request('Any.route').then(String, (err: { serverCode: string }) => err.serverCode)).toBe('GATE_ERR_NO_LOBBY');
    expect(client.isOpen).toBe(true);

    const second = await joinLobby('lobby-2');
    await expect.poll(() => client.request('Any.route').then(String, (err: { serverCode: string }) => err.serverCode)).toBe('lobby-2');
    expect(second.binds).toEqual([{ info: { sessionId: client.session!.sessionId, uid: 'u1', gateId: 'gate-1', data: {} }, rebound: true }]);
    expect(await rebound).toEqual({ lobbyId: 'lobby-2' });
  });

  it('keeps the sessions of a draining lobby bound there, and binds new sessions only to lobbies that are not draining', async () => {
    const first = await joinLobby('lobby-1');
    const client = await player('u7');
    expect(await client.request('Any.route')).toBe('lobby-1');
    await joinLobby('lobby-2');
    await members.get('lobby-1')!.markDraining();
    await expect.poll(() => members.get('lobby-2')!.server('lobby-1')?.draining).toBe(true);

    const late = await player('u8');
    expect(await late.request('Any.route')).toBe('lobby-2');
    expect(await client.request('Any.route')).toBe('lobby-1');
    expect(first.binds).toHaveLength(1);
  });

  it("keeps the data a lobby stored for the session, within the caps, and carries it in the bind to the next lobby", async () => {
    const first = await joinLobby('lobby-1');
    const client = await player('u4');
    const sessionId = client.session!.sessionId;
    const setData = (key: string, value: Uint8Array | null) => node('lobby-1').call('gate-1', GATE_SERVICE, 'setData', [sessionId, key, value]);
    await setData('match', encode({ id: 7, team: 'red' }));
    await setData('invite', encode('from u9'));
    await setData('invite', null);
    await setData('huge', new Uint8Array(SESSION_DATA_LIMITS.maxBytes));
    await setData('__proto__', encode(1));
    expect(first.binds.map((b) => b.info.data)).toEqual([{}]);
    expect(logger.at('warn').filter((l) => l.message === 'gate: session data refused').map((l) => String(l.meta.err))).toEqual([
      expect.stringMatching(/huge would make \d+ bytes, cap 4096/),
      expect.stringMatching(/key "__proto__" is not/),
    ]);

    const second = await joinLobby('lobby-2');
    await members.get('lobby-1')!.stop();
    await expect.poll(() => client.request('Any.route')).toBe('lobby-2');
    expect(second.binds).toHaveLength(1);
    const data = second.binds[0]!.info.data!;
    expect(Object.keys(data)).toEqual(['match']);
    expect(decode(data.match!)).toEqual({ id: 7, team: 'red' });
  });

  it('binds again elsewhere when the lobby it was binding to leaves before the bind returns', async () => {
    const first = await joinLobby('lobby-1');
    let release!: () => void;
    first.holdBinds = new Promise((resolve) => (release = resolve));
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    const auth = client.auth('u2');
    await expect.poll(() => first.binds.length).toBe(1);

    const second = await joinLobby('lobby-2');
    await members.get('lobby-1')!.stop();
    await expect.poll(() => gate.sessions.count).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await auth;
    expect(await client.request('Any.route')).toBe('lobby-2');
    expect(second.binds.map((b) => b.rebound)).toEqual([true]);
  });

  it('binds a session again when its lobby no longer holds it, and the request still succeeds', async () => {
    const lobby = await joinLobby('lobby-1');
    const client = await player('u3');
    // The lobby closed the session (it took the gate for gone during an etcd outage).
    lobby.held.clear();
    expect(await client.request('Any.route')).toBe('lobby-1');
    expect(lobby.binds.map((b) => b.rebound)).toEqual([false, true]);
  });
});
