/**
 * Moving a session to a space on another lobby, and the other lobby-facing calls that came with
 * spaces (pushEach, resumed): a real Gate on a TCP port, real RPC nodes, in-memory discovery, and
 * lobbies that are small 'sessions' services recording what the gate asks of them, in the style
 * of gate-rebind.test.ts (real lobbies move players in gate/space-move.integration.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectGate } from '../client-sim/node-client.js';
import type { GateClient } from '../client-sim/gate-client.js';
import { MemoryCluster, MemoryDiscovery } from '../engine/cluster/memory-discovery.js';
import { decode, encode } from '../engine/codec/msgpack-codec.js';
import { SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import { startTestNodes, type TestNodes } from '../engine/rpc/fixtures/test-nodes.js';
import { RPC_RANGE_META_KEY } from '../engine/rpc/rpc-versions.js';
import type { RpcNode } from '../engine/rpc/rpc-node.js';
import { GATE_SERVICE, LOBBY_SESSIONS_METHODS, LOBBY_SESSIONS_SERVICE, MOVE_OUTCOME, UNKNOWN_SESSION_CODE, type BindResult, type LobbySessions, type SessionInfo } from '../engine/session/session-contract.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { testGateOptions } from './fixtures/test-gate-options.js';
import { Gate } from './gate.js';
import { MAX_PENDING_MOVES } from './session-binding.js';

/** Every call the gate made to any lobby, in order: `lobby method detail`. */
type Journal = string[];

/**
 * A lobby that answers `Probe.tag` with `<its id>:<tag>`, holds `Probe.hold` open until the test
 * releases it, lets a close wait for the session's requests and tells the client `sys.space` on a
 * bind into a space, as a real lobby does, and can refuse binds.
 */
class TestLobby implements LobbySessions {
  readonly binds: { info: SessionInfo; rebound: boolean }[] = [];
  /** What each bound session's bind said, by session id. */
  private readonly infos = new Map<string, SessionInfo>();
  readonly resumes: string[] = [];
  readonly held = new Set<string>();
  /** Open `Probe.hold` requests by tag. */
  readonly holds = new Map<string, () => void>();
  /** The code a bind fails with (undefined: it succeeds), while set. */
  refuse: ((info: SessionInfo) => string | undefined) | undefined;
  /** A bind waits for this, while set. */
  holdBinds: Promise<void> | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private closeDone!: () => void;
  /** Tags of requests refused as if they had come after the close (once the close is done). */
  readonly late = new Set<string>();
  /** Resolves once a close has finished. */
  readonly closed = new Promise<void>((resolve) => (this.closeDone = resolve));

  constructor(
    readonly id: string,
    private readonly journal: Journal,
    private readonly node: RpcNode,
  ) {}

  async bind(info: SessionInfo, rebound: boolean): Promise<BindResult> {
    this.journal.push(`${this.id} bind ${info.space ?? '-'}`);
    this.binds.push({ info, rebound });
    await this.holdBinds;
    const code = this.refuse?.(info);
    if (code) throw Object.assign(new Error(`bind refused: ${code}`), { code });
    this.held.add(info.sessionId);
    this.infos.set(info.sessionId, info);
    const space = { spaceId: info.space, type: info.space?.split('@')[0], lobbyId: this.id };
    if (info.space) this.node.notify(info.gateId, GATE_SERVICE, 'push', [[info.sessionId], SYSTEM_ROUTE.SPACE, encode(space)]);
    return { avatar: { serverId: this.id, entityId: `avatar-${info.uid}` }, loaded: true };
  }
  request(sessionId: string, route: string, args: Uint8Array): Promise<Uint8Array> {
    if (!this.held.has(sessionId)) return Promise.reject(Object.assign(new Error(`no session ${sessionId}`), { code: UNKNOWN_SESSION_CODE }));
    const [tag] = decode(args) as [string];
    this.journal.push(`${this.id} ${route} ${tag}`);
    const answer = encode(`${this.id}:${tag}`);
    // As if it had reached the lobby after the session's close: it is refused once the close is done.
    if (this.late.delete(tag)) return this.closed.then(() => Promise.reject(Object.assign(new Error(`no session ${sessionId}`), { code: UNKNOWN_SESSION_CODE })));
    const run = route === 'Probe.hold' ? new Promise<Uint8Array>((resolve) => this.holds.set(tag, () => resolve(answer))) : Promise.resolve(answer);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }
  async notify(): Promise<void> {}
  async close(sessionId: string, reason: string): Promise<void> {
    this.journal.push(`${this.id} close ${reason}`);
    this.held.delete(sessionId);
    // Requests already here finish before the avatar is released.
    await Promise.all(this.running);
    this.closeDone();
  }
  async resumed(sessionId: string): Promise<void> {
    this.resumes.push(sessionId);
  }
  // As a lobby migrates a player: requests already here finish, then the other lobby binds the
  // session (its `migration.accept`); when it refuses, the player is bound here again.
  async migrate(sessionId: string, lobbyId: string, spaceId: string, bindTimeoutMs: number): Promise<string> {
    this.journal.push(`${this.id} migrate ${lobbyId} ${spaceId || '-'}`);
    const info = this.infos.get(sessionId);
    if (!this.held.delete(sessionId) || !info) throw Object.assign(new Error(`no session ${sessionId}`), { code: UNKNOWN_SESSION_CODE });
    await Promise.all(this.running);
    this.closeDone();
    const { space: _, ...arriving } = info;
    try {
      await this.node.call(lobbyId, LOBBY_SESSIONS_SERVICE, 'bind', [{ ...arriving, ...(spaceId ? { space: spaceId } : {}) }, true], { timeoutMs: bindTimeoutMs });
      return lobbyId;
    } catch {
      await this.bind(arriving, true);
      return this.id;
    }
  }
}

const load = { sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 };

describe('moving a session between lobbies', () => {
  let nodes: TestNodes;
  let cluster: MemoryCluster;
  let gate: Gate;
  let members: Map<string, MemoryDiscovery>;
  /** The gate's own view of the cluster. */
  let gateView: MemoryDiscovery;
  let lobbies: Map<string, TestLobby>;
  let clients: GateClient[];
  let journal: Journal;
  let logger: MemoryLogger;
  const clock = new SystemClock();

  const node = (id: string) => nodes.nodes.find((n) => n.serverId === id)!;
  /** Lobby `from` asks the gate to move `sessionId`, as game code's `spaces.enter` does. */
  const move = (from: string, sessionId: string, lobbyId: string, spaceId: string) => node(from).call('gate-1', GATE_SERVICE, 'move', [sessionId, lobbyId, spaceId]);
  /** Server `from` asks the gate to move `sessionId` and answer once it is done, as the matchmaker does. */
  const waitMove = (from: string, sessionId: string, lobbyId: string, spaceId: string) => node(from).call('gate-1', GATE_SERVICE, 'moveAndWait', [sessionId, lobbyId, spaceId], { timeoutMs: 5_000 });

  async function joinLobby(id: string): Promise<TestLobby> {
    const lobby = new TestLobby(id, journal, node(id));
    node(id).serve(LOBBY_SESSIONS_SERVICE, lobby, LOBBY_SESSIONS_METHODS);
    await register(id);
    lobbies.set(id, lobby);
    return lobby;
  }

  /** Lobby `id` joins the cluster's membership (again, after a lost lease), publishing `meta`. */
  async function register(id: string, meta: Record<string, string> = {}): Promise<void> {
    const member = new MemoryDiscovery({ cluster, clock, logger });
    await member.start();
    await member.register({ id, type: 'lobby', address: node(id).address, version: '1', startedAt: 0, load, meta });
    members.set(id, member);
  }

  /** A logged-in client, and every push and reply it saw, in order. */
  async function player(uid: string): Promise<{ client: GateClient; seen: string[]; sessionId: string }> {
    const meta = gate.meta();
    const client = await connectGate({ endpoint: meta.tcp!, transport: 'tcp', gateKey: meta.publicKey! });
    clients.push(client);
    const seen: string[] = [];
    client.on('*', (body, route) => seen.push(`${route} ${JSON.stringify(body)}`));
    await client.auth(uid);
    return { client, seen, sessionId: client.session!.sessionId };
  }

  beforeEach(async () => {
    nodes = await startTestNodes(['gate-1', 'lobby-1', 'lobby-2', 'lobby-3']);
    cluster = new MemoryCluster({ clock });
    members = new Map();
    lobbies = new Map();
    clients = [];
    journal = [];
    logger = new MemoryLogger();
    const discovery = new MemoryDiscovery({ cluster, clock, logger });
    await discovery.start();
    gateView = discovery;
    gate = new Gate(testGateOptions({ rpc: node('gate-1'), discovery, clock, timers: new TimerService({ clock, logger }), logger }));
    await gate.start();
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    await gate.stop();
    for (const member of members.values()) await member.stop();
    await nodes.stop();
  });

  it('binds sessions only to lobbies that speak an RPC contract version the gate speaks', async () => {
    // A lobby of a later build that no longer speaks this gate's contract, and one that does.
    const newer = new TestLobby('lobby-1', journal, node('lobby-1'));
    node('lobby-1').serve(LOBBY_SESSIONS_SERVICE, newer, LOBBY_SESSIONS_METHODS);
    await register('lobby-1', { [RPC_RANGE_META_KEY]: '7-9' });
    const { client } = await player('u0');
    await expect(client.request('Probe.tag', 'w')).rejects.toMatchObject({ serverCode: 'GATE_ERR_NO_LOBBY' });
    await joinLobby('lobby-2');
    expect(await client.request('Probe.tag', 'x')).toBe('lobby-2:x');
    expect(newer.binds).toEqual([]);
  });

  it("answers a move at once, lets requests in flight finish on the old lobby, and replays those sent meanwhile on the new one in order, after the new lobby's sys.space", async () => {
    const first = await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u1');
    const second = await joinLobby('lobby-2');

    const inFlight = client.request('Probe.hold', 'a').then((reply) => seen.push(`reply ${String(reply)}`));
    await expect.poll(() => first.holds.has('a')).toBe(true);
    // Answered while the request on the old lobby is still open.
    await move('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    await expect.poll(() => journal.includes('lobby-1 migrate lobby-2 field@lobby-2')).toBe(true);

    const during = ['b', 'c', 'd'].map((tag) => client.request('Probe.tag', tag).then((reply) => seen.push(`reply ${String(reply)}`)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.binds).toEqual([]);
    first.holds.get('a')!();
    await Promise.all([inFlight, ...during]);

    expect(journal).toEqual(['lobby-1 bind -', 'lobby-1 Probe.hold a', 'lobby-1 migrate lobby-2 field@lobby-2', 'lobby-2 bind field@lobby-2', 'lobby-2 Probe.tag b', 'lobby-2 Probe.tag c', 'lobby-2 Probe.tag d']);
    expect(second.binds).toEqual([{ info: { sessionId, uid: 'u1', gateId: 'gate-1', data: {}, space: 'field@lobby-2' }, rebound: true }]);
    expect(seen).toEqual([
      'reply lobby-1:a',
      `sys.space ${JSON.stringify({ spaceId: 'field@lobby-2', type: 'field', lobbyId: 'lobby-2' })}`,
      'reply lobby-2:b',
      'reply lobby-2:c',
      'reply lobby-2:d',
    ]);
    expect(await client.request('Probe.tag', 'e')).toBe('lobby-2:e');
  });

  it('sends a request that reached the old lobby after the session left it on to the new lobby', async () => {
    const first = await joinLobby('lobby-1');
    const { client, sessionId } = await player('u11');
    await joinLobby('lobby-2');
    first.late.add('late');
    const late = client.request('Probe.tag', 'late');
    await expect.poll(() => journal.includes('lobby-1 Probe.tag late')).toBe(true);
    await move('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    await first.closed;
    expect(await late).toBe('lobby-2:late');
    expect(logger.at('debug').map((l) => l.message)).toContain('gate: request reached the lobby a session left; sent to its new one');
    expect(logger.at('warn').map((l) => l.message)).not.toContain('gate: lobby lost the session; binding it again');
  });

  it('keeps the session on its old lobby when the new one refuses the player, tells the client with sys.rebound, and logs it', async () => {
    const first = await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u2');
    const second = await joinLobby('lobby-2');
    second.refuse = () => 'SPACE_ERR_NOT_HERE';

    await move('lobby-1', sessionId, 'lobby-2', 'match@lobby-2');
    expect(await client.request('Probe.tag', 'x')).toBe('lobby-1:x');
    expect(first.binds.map((b) => [b.rebound, b.info.space])).toEqual([
      [false, undefined],
      [true, undefined],
    ]);
    expect(seen).toEqual([`sys.rebound ${JSON.stringify({ lobbyId: 'lobby-1' })}`]);
    expect(logger.at('warn').find((l) => l.message === 'gate: move refused; the session stays on its lobby')?.meta).toMatchObject({ uid: 'u2', lobby: 'lobby-1', refusedBy: 'lobby-2', space: 'match@lobby-2' });
  });

  it('binds the session back on its old lobby when the new one leaves the cluster during the bind', async () => {
    await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u12');
    const second = await joinLobby('lobby-2');
    let release!: () => void;
    second.holdBinds = new Promise((resolve) => (release = resolve));
    await move('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    await expect.poll(() => second.binds.length).toBe(1);
    const during = client.request('Probe.tag', 'w');
    await members.get('lobby-2')!.stop();
    release();
    expect(await during).toBe('lobby-1:w');
    // The leaving lobby had told the client its space; the rebound that follows says where it is now.
    expect(seen.at(-1)).toBe(`sys.rebound ${JSON.stringify({ lobbyId: 'lobby-1' })}`);
    expect(logger.at('warn').find((l) => l.message === 'gate: move failed; binding the session back')?.meta.err).toMatchObject({ code: 'GATE_ERR_NO_LOBBY' });
  });

  it('binds the session on the new lobby, which holds the player, when that lobby was out of the cluster for a moment as the old one handed the player over', async () => {
    const first = await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u13');
    // lobby-2 comes next by the policy; like any lobby but lobby-3, it cannot load the player lobby-3 holds.
    const second = await joinLobby('lobby-2');
    const third = await joinLobby('lobby-3');
    second.refuse = () => 'LOBBY_ERR_AVATAR_BUSY';
    let handedOver!: () => void;
    third.holdBinds = new Promise((resolve) => (handedOver = resolve));
    await move('lobby-1', sessionId, 'lobby-3', 'field@lobby-3');
    await expect.poll(() => third.binds.length).toBe(1);
    // lobby-3's lease runs out while it takes the player: it answers lobby-1 all the same.
    await members.get('lobby-3')!.stop();
    await expect.poll(() => gateView.server('lobby-3')).toBeUndefined();
    first.refuse = () => 'LOBBY_ERR_AVATAR_BUSY';
    let refuseBack!: () => void;
    first.holdBinds = new Promise((resolve) => (refuseBack = resolve));
    const during = client.request('Probe.tag', 'x');
    handedOver();
    // The gate asks lobby-1 to take the player back; lobby-3 registers again meanwhile.
    await expect.poll(() => first.binds.length).toBe(2);
    await register('lobby-3');
    await expect.poll(() => gateView.server('lobby-3')).toBeDefined();
    refuseBack();

    expect(await during).toBe('lobby-3:x');
    expect(journal).toEqual(['lobby-1 bind -', 'lobby-1 migrate lobby-3 field@lobby-3', 'lobby-3 bind field@lobby-3', 'lobby-1 bind -', 'lobby-3 bind -', 'lobby-3 Probe.tag x']);
    expect(second.binds).toEqual([]);
    expect(seen.at(-1)).toBe(`sys.rebound ${JSON.stringify({ lobbyId: 'lobby-3' })}`);
    expect(await client.request('Probe.tag', 'y')).toBe('lobby-3:y');
  });

  it("binds the session in the new lobby's start space when neither the new lobby's space nor the old lobby takes it", async () => {
    const first = await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u3');
    const second = await joinLobby('lobby-2');
    // lobby-2 has no such space, but takes the player into its start space.
    second.refuse = (info) => (info.space ? 'SPACE_ERR_NOT_HERE' : undefined);
    first.refuse = () => 'LOBBY_ERR_SHUTTING_DOWN';

    await move('lobby-1', sessionId, 'lobby-2', 'match@lobby-2');
    expect(await client.request('Probe.tag', 'y')).toBe('lobby-2:y');
    // Refused in the migration, then asked by the gate itself (the old lobby could not keep the
    // player), then bound there again, in its start space, before any lobby the policy picks.
    expect(second.binds.map((b) => [b.rebound, b.info.space])).toEqual([
      [true, 'match@lobby-2'],
      [true, 'match@lobby-2'],
      [true, undefined],
    ]);
    expect(seen).toEqual([`sys.rebound ${JSON.stringify({ lobbyId: 'lobby-2' })}`]);
    expect(logger.at('warn').map((l) => l.message)).toContain('gate: binding back to the old lobby failed; binding elsewhere');
  });

  it('runs the moves of one session one after the other, in the order asked', async () => {
    await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u4');
    const second = await joinLobby('lobby-2');
    await joinLobby('lobby-3');
    let release!: () => void;
    second.holdBinds = new Promise((resolve) => (release = resolve));

    await move('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    await move('lobby-1', sessionId, 'lobby-3', 'match@lobby-3');
    await expect.poll(() => second.binds.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(journal.filter((line) => line.startsWith('lobby-3'))).toEqual([]);
    release();
    await expect.poll(() => seen.filter((line) => line.startsWith('sys.space'))).toHaveLength(2);

    expect(await client.request('Probe.tag', 'z')).toBe('lobby-3:z');
    expect(journal).toEqual([
      'lobby-1 bind -',
      'lobby-1 migrate lobby-2 field@lobby-2',
      'lobby-2 bind field@lobby-2',
      'lobby-2 migrate lobby-3 match@lobby-3',
      'lobby-3 bind match@lobby-3',
      'lobby-3 Probe.tag z',
    ]);
    expect(seen.filter((line) => line.startsWith('sys.space')).map((line) => JSON.parse(line.slice('sys.space '.length)).spaceId)).toEqual(['field@lobby-2', 'match@lobby-3']);
  });

  it(`refuses a move past ${MAX_PENDING_MOVES} waiting for one session, and logs it`, async () => {
    await joinLobby('lobby-1');
    const { sessionId } = await player('u5');
    const second = await joinLobby('lobby-2');
    second.holdBinds = new Promise(() => {});
    for (let i = 0; i <= MAX_PENDING_MOVES; i++) await move('lobby-1', sessionId, 'lobby-2', `field@${i}`);
    expect(logger.at('warn').filter((l) => l.message === 'gate: move refused: too many moves of the session waiting')).toHaveLength(1);
  });

  it('answers moveAndWait once the move is done: moved when the new lobby took the session, failed when it was bound back, absent when it is not here', async () => {
    await joinLobby('lobby-1');
    const { client, seen, sessionId } = await player('u7');
    const second = await joinLobby('lobby-2');
    let release!: () => void;
    second.holdBinds = new Promise((resolve) => (release = resolve));
    const moved = waitMove('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    let answered = false;
    void moved.then(() => (answered = true));
    await expect.poll(() => second.binds.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    release();
    expect(await moved).toBe(MOVE_OUTCOME.MOVED);
    // The new lobby told the client its space before the move was answered (on its own link to the gate).
    await expect.poll(() => seen.filter((line) => line.startsWith('sys.space'))).toHaveLength(1);

    await joinLobby('lobby-3');
    lobbies.get('lobby-3')!.refuse = () => 'SPACE_ERR_FULL';
    expect(await waitMove('lobby-2', sessionId, 'lobby-3', 'match@lobby-3')).toBe(MOVE_OUTCOME.FAILED);
    expect(await client.request('Probe.tag', 'v')).toBe('lobby-2:v');
    expect(await waitMove('lobby-2', sessionId, '', 'match@lobby-3')).toBe(MOVE_OUTCOME.FAILED);
    expect(await waitMove('lobby-2', 'no-such-session', 'lobby-3', 'match@lobby-3')).toBe(MOVE_OUTCOME.ABSENT);
  });

  it(`answers moveAndWait past ${MAX_PENDING_MOVES} moves waiting for one session with failed at once`, async () => {
    await joinLobby('lobby-1');
    const { sessionId } = await player('u8');
    const second = await joinLobby('lobby-2');
    second.holdBinds = new Promise(() => {});
    for (let i = 0; i < MAX_PENDING_MOVES; i++) await move('lobby-1', sessionId, 'lobby-2', `field@${i}`);
    expect(await waitMove('lobby-1', sessionId, 'lobby-2', 'field@late')).toBe(MOVE_OUTCOME.FAILED);
  });

  it('ignores a move of a session it does not hold, logging it at debug', async () => {
    await joinLobby('lobby-1');
    await move('lobby-1', 'no-such-session', 'lobby-1', 'field@lobby-1');
    expect(logger.at('debug').find((l) => l.message === 'gate: move of a session not here ignored')?.meta).toMatchObject({ session: 'no-such-session', lobby: 'lobby-1' });
    expect(journal).toEqual([]);
  });

  it("ignores the moves still waiting once the session closed", async () => {
    const first = await joinLobby('lobby-1');
    const { client, sessionId } = await player('u6');
    const second = await joinLobby('lobby-2');
    let release!: () => void;
    second.holdBinds = new Promise((resolve) => (release = resolve));
    await move('lobby-1', sessionId, 'lobby-2', 'field@lobby-2');
    await move('lobby-1', sessionId, 'lobby-1', 'field@lobby-1');
    await expect.poll(() => second.binds.length).toBe(1);
    client.close();
    release();
    await expect.poll(() => logger.at('debug').some((l) => l.message === 'gate: move of a closed session ignored')).toBe(true);
    // The session ended while its bind on lobby-2 was in flight: lobby-2 is told to close it, once.
    await expect.poll(() => journal.filter((line) => line.includes('close'))).toEqual([expect.stringMatching(/^lobby-2 close /)]);
    expect(first.binds).toHaveLength(1);
  });

  it('delivers each listed session its own body with pushEach, skipping sessions not here', async () => {
    await joinLobby('lobby-1');
    const one = await player('u7');
    const two = await player('u8');
    await node('lobby-1').call('gate-1', GATE_SERVICE, 'pushEach', ['game.each', [one.sessionId, 'gone', two.sessionId], [encode('for u7'), encode('for nobody'), encode('for u8')]]);
    await expect.poll(() => [one.seen, two.seen]).toEqual([['game.each "for u7"'], ['game.each "for u8"']]);
  });

  it('refuses a pushEach whose lists differ in length, and logs it', async () => {
    await joinLobby('lobby-1');
    const one = await player('u9');
    await node('lobby-1').call('gate-1', GATE_SERVICE, 'pushEach', ['game.each', [one.sessionId], []]);
    expect(logger.at('warn').find((l) => l.message === 'gate: pushEach refused: one body per session expected')?.meta).toEqual({ route: 'game.each' });
    expect(one.seen).toEqual([]);
  });

  it('tells the lobby when a session is resumed on a new connection', async () => {
    const first = await joinLobby('lobby-1');
    const { client, sessionId } = await player('u10');
    expect(first.resumes).toEqual([]);
    const reply = await client.reconnect();
    expect(reply.resumed).toBe(true);
    await expect.poll(() => first.resumes).toEqual([sessionId]);
  });
});
