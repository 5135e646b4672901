/**
 * The gate's sessions as a client meets them: a real Gate on a TCP port, real RPC nodes,
 * in-memory discovery, and lobbies that are small 'sessions' services decoding arguments with the
 * lobby's own client limits (the whole lobby is in gate.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import { RequestError, type GateClient } from '../client-sim/gate-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { createSelector } from '../engine/cluster/select.js';
import { decode, encode, MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { decodeArgs } from '../lobby/client-payload.js';
import { LOBBY_ERRORS } from '../lobby/errors.js';
import { CLIENT_ARGS_LIMITS } from '../lobby/lobby-defaults.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import type { Agent } from './agent.js';
import { Gate } from './gate.js';
import { Session } from './session.js';
import { MemoryOnlineIndex } from '../engine/hub/online-index.js';

/** A lobby that checks arguments as a real one does and answers with its own id. */
// Sessions never move between lobbies here: no `migrate`.
class TestLobby implements Omit<LobbySessions, 'migrate'> {
  private readonly codec = new MsgpackCodec(CLIENT_ARGS_LIMITS);
  constructor(readonly id: string) {}

  async bind(info: SessionInfo): Promise<BindResult> {
    return { avatar: { serverId: this.id, entityId: `avatar-${info.uid}` }, loaded: false };
  }
  async request(_sessionId: string, _route: string, args: Uint8Array): Promise<Uint8Array> {
    decodeArgs(this.codec, args);
    return encode(this.id);
  }
  async notify(): Promise<void> {}
  async close(): Promise<void> {}
  async resumed(): Promise<void> {}
}

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

describe('gate sessions', () => {
  let nodes: TestNodes;
  let gate: Gate;
  let index: MemoryOnlineIndex;
  let clients: GateClient[];
  const members: MemoryDiscovery[] = [];
  const clock = new SystemClock();
  let logger: MemoryLogger;

  beforeEach(async () => {
    nodes = await startTestNodes(['gate-1', 'lobby-1', 'lobby-2', 'lobby-3']);
    const cluster = new MemoryCluster({ clock });
    logger = new MemoryLogger();
    clients = [];
    for (const node of nodes.nodes.filter((n) => n.serverId.startsWith('lobby-'))) {
      node.serve(LOBBY_SESSIONS_SERVICE, new TestLobby(node.serverId), LOBBY_SESSIONS_METHODS.filter((m) => m !== 'migrate'));
      const member = new MemoryDiscovery({ cluster, clock, logger });
      await member.start();
      await member.register({ id: node.serverId, type: 'lobby', address: node.address, version: '1', startedAt: 0, load });
      members.push(member);
    }
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    members.push(discovery);
    const rpc = nodes.nodes.find((n) => n.serverId === 'gate-1')!;
    index = new MemoryOnlineIndex();
    gate = new Gate(
      testGateOptions({
        rules: { 'Public.*': 'pass' },
        sessions: { index, selector: createSelector({ kind: 'consistent-hash' }) },
        rpc,
        discovery,
        lobbyErrors: [LOBBY_ERRORS],
        clock,
        timers: new TimerService({ clock, logger }),
        logger,
      }),
    );
    await gate.start();
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gate.stop();
    for (const member of members.splice(0)) await member.stop();
    await nodes.stop();
  });

  async function connect(): Promise<GateClient> {
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    return client;
  }

  it('sends requests made before login to a lobby under consistent hashing, one lobby per connection', async () => {
    const picked = new Set<string>();
    for (let c = 0; c < 6; c++) {
      const client = await connect();
      const lobbies = new Set<string>();
      for (let i = 0; i < 4; i++) lobbies.add(await client.request<string>('Public.ping', i));
      expect(lobbies.size).toBe(1);
      picked.add([...lobbies][0]!);
    }
    expect([...picked].every((id) => id.startsWith('lobby-'))).toBe(true);
  });

  it('answers oversized or malformed arguments with the code and its short message only, and logs the detail', async () => {
    const client = await connect();
    await client.auth('u-args');
    const oversized = (await client.request('Echo.echo', 'x'.repeat(40_000)).catch((err: unknown) => err)) as RequestError;
    expect(oversized).toBeInstanceOf(RequestError);
    expect(oversized).toMatchObject({ serverCode: 'LOBBY_ERR_BAD_ARGS', wireCode: 6004, serverMessage: 'arguments are malformed or over the limits' });
    // Bytes no SDK would send: an array of two that ends after one item.
    const call = (client as unknown as { call(route: string, payload: Uint8Array): Promise<Uint8Array> }).call.bind(client);
    const garbage = (await call('Echo.echo', Uint8Array.of(0x92, 0x01)).catch((err: unknown) => err)) as RequestError;
    expect(garbage).toMatchObject({ serverCode: 'LOBBY_ERR_BAD_ARGS', wireCode: 6004, serverMessage: 'arguments are malformed or over the limits' });
    // Exactly the catalogue text: no limit, size or offset of what went wrong.
    for (const err of [oversized, garbage]) expect(err.serverMessage).not.toMatch(/offset|\d|CODEC_ERR/);

    const refused = logger.at('debug').filter((l) => l.message === 'gate: request refused');
    expect(refused).toHaveLength(2);
    expect(refused[0]!.meta).toMatchObject({ code: 'LOBBY_ERR_BAD_ARGS', uid: 'u-args', route: 'Echo.echo', detail: expect.stringContaining('CODEC_ERR_STRING_TOO_LONG') });
    expect(refused[1]!.meta).toMatchObject({ detail: expect.stringContaining('CODEC_ERR_TRUNCATED') });
    expect(await client.request('Echo.echo', 'still open')).toMatch(/^lobby-/);
  });

  it("sends a bound session's request to its lobby in the turn it came, and answers with what the lobby answered", async () => {
    const rpc = nodes.nodes.find((n) => n.serverId === 'gate-1')!;
    const session = new Session('s-bound', 'u-bound');
    session.lobbyId = 'lobby-2';
    const agent = { session, transport: { remote: '127.0.0.1:1' } } as unknown as Agent;
    const before = rpc.stats().callsSent;
    const answer = gate.sessions.forward(agent, 'Echo.echo', encode(['now']), true);
    expect(rpc.stats().callsSent).toBe(before + 1);
    expect(decode((await answer)!)).toBe('lobby-2');
  });

  it("kicks with the catalogue's short message and logs the detail of the kick", async () => {
    const client = await connect();
    await client.auth('u-kicked');
    const closed = new Promise<CloseReason>((resolve) => client.onClose(resolve));
    await gate.sessions.kick(client.session!.sessionId, 'GATE_ERR_DUPLICATE_LOGIN');
    expect(await closed).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN', code: 4104, message: 'the same account logged in elsewhere' });
    expect(logger.at('info')).toContainEqual(expect.objectContaining({ message: 'gate: connection kicked', meta: expect.objectContaining({ code: 'GATE_ERR_DUPLICATE_LOGIN', reason: 'logged in on another gate' }) }));
  });

  it('ignores the kick of a lobby while the session is being bound elsewhere, and obeys it once no bind is left', async () => {
    const client = await connect();
    await client.auth('u-rebinding');
    const sessionId = client.session!.sessionId;
    const session = (gate.sessions as unknown as { sessions: Map<string, Session> }).sessions.get(sessionId)!;
    const bound = session.lobbyId!;
    // As rebindAll leaves it: no lobby for sure, a bind on its way.
    let finish!: (lobbyId: string) => void;
    session.lobbyId = undefined;
    session.binding = new Promise<string>((resolve) => (finish = resolve));
    await gate.sessions.kick(sessionId, 'LOBBY_ERR_OWNERSHIP_LOST', 'lobby-returned');
    expect(client.isOpen).toBe(true);
    expect(logger.at('info')).toContainEqual(expect.objectContaining({ message: 'gate: kick from a lobby the session has left; ignored', meta: expect.objectContaining({ from: 'lobby-returned', lobby: 'binding' }) }));
    finish(bound);
    session.binding = undefined;
    session.lobbyId = bound;
    expect(await client.request('Echo.echo', 'still here')).toBe(bound);
    // Its own lobby's kick ends it.
    const closed = new Promise<CloseReason>((resolve) => client.onClose(resolve));
    await gate.sessions.kick(sessionId, 'banned', bound);
    expect(await closed).toMatchObject({ name: 'GATE_ERR_KICKED', message: 'banned' });
  });

  it('ends a session whose account the online index says another gate holds now', async () => {
    const client = await connect();
    await client.auth('u-moved');
    const closed = new Promise<CloseReason>((resolve) => client.onClose(resolve));
    expect(gate.sessions.records()).toEqual([{ uid: 'u-moved', gateId: 'gate-1', sessionId: client.session!.sessionId }]);
    await index.claim('u-moved', { gateId: 'gate-2', sessionId: 'elsewhere' });
    gate.sessions.takenOver(await index.refresh(gate.sessions.records()));
    expect(await closed).toMatchObject({ name: 'GATE_ERR_DUPLICATE_LOGIN' });
    await expect.poll(() => gate.sessions.count).toBe(0);
    expect(await index.lookup('u-moved')).toEqual({ gateId: 'gate-2', sessionId: 'elsewhere' });
  });

  it('refuses a login with GATE_ERR_UNAVAILABLE while the online index cannot be reached, keeps nothing of it, and takes it once the index is back', async () => {
    const client = await connect();
    const claim = index.claim.bind(index);
    index.claim = () => Promise.reject(new Error('online index: Redis is not connected (reconnecting)'));
    const refused = await client.auth('u-early').then(() => undefined, (err: unknown) => err);
    expect((refused as { serverCode?: string }).serverCode).toBe('GATE_ERR_UNAVAILABLE');
    expect(gate.sessions.count).toBe(0);
    expect(logger.at('warn').map((l) => l.message)).toContain('gate: online index unavailable; login refused');
    // The connection stays: the same login goes through once the index answers.
    index.claim = claim;
    await client.auth('u-early');
    expect(gate.sessions.records()).toEqual([{ uid: 'u-early', gateId: 'gate-1', sessionId: client.session!.sessionId }]);
  });
});
