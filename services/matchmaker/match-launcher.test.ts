import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCluster, MemoryDiscovery } from '../../engine/cluster/memory-discovery.js';
import { startTestNodes, type TestNodes } from '../../engine/rpc/fixtures/test-nodes.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { GATE_SERVICE, MOVE_OUTCOME } from '../../engine/session/session-contract.js';
import { ClusterMatchLauncher, SPACE_TOO_MANY_CODE, SPACES_SERVICE, type MatchPlan } from './match-launcher.js';

const PLAN: MatchPlan = {
  matchId: 'm1',
  mode: '2v2',
  space: 'match',
  teams: [['a', 'b'], ['c', 'd']],
  players: ['a', 'b', 'c', 'd'].map((uid) => ({ uid, gateId: uid === 'd' ? 'gate-2' : 'gate-1', sessionId: `s-${uid}` })),
};

let nodes: TestNodes | undefined;
afterEach(async () => {
  await nodes?.stop();
  nodes = undefined;
});

/**
 * Two lobbies (lobby-2 the less loaded) serving `spaces` and two gates serving `move`, as stand-ins
 * recording their calls; the lobbies in `full` refuse every space as a lobby at `lobby.maxSpaces` does.
 */
async function cluster(options: { failCreate?: boolean; full?: Set<string> } = {}) {
  nodes = await startTestNodes(['mm', 'lobby-1', 'lobby-2', 'gate-1', 'gate-2']);
  const [mm, lobby1, lobby2, gate1, gate2] = nodes.nodes as [typeof nodes.nodes[0], ...typeof nodes.nodes];
  const memory = new MemoryCluster({ clock: nodes.clock });
  const logger = new MemoryLogger();
  const discovery = new MemoryDiscovery({ cluster: memory, clock: nodes.clock, logger });
  await discovery.start();
  const created: { lobby: string; args: unknown[] }[] = [];
  const asked: string[] = [];
  const members: MemoryDiscovery[] = [];
  const moves: { gate: string; args: unknown[] }[] = [];
  for (const [node, sessions] of [[lobby1!, 30], [lobby2!, 10]] as const) {
    const member = new MemoryDiscovery({ cluster: memory, clock: nodes.clock, logger });
    await member.start();
    members.push(member);
    await member.register({ id: node.serverId, type: 'lobby', address: node.address, version: '1', startedAt: 0, load: { sessions, entities: 0, eventLoopLagMs: 0, cpu: 0 } });
    node.serve(SPACES_SERVICE, {
      create: async (...args: unknown[]) => {
        asked.push(node.serverId);
        if (options.failCreate) throw new Error('space type unknown');
        if (options.full?.has(node.serverId)) throw Object.assign(new Error('this lobby hosts as many spaces as lobby.maxSpaces allows'), { code: SPACE_TOO_MANY_CODE });
        created.push({ lobby: node.serverId, args });
        return { id: 'match-1', type: 'match', lobbyId: node.serverId };
      },
    }, ['create']);
  }
  // b's move fails (bound back), c's gate fails the call, the others are moved.
  for (const gate of [gate1!, gate2!]) {
    gate.serve(GATE_SERVICE, {
      moveAndWait: async (...args: unknown[]) => {
        if (args[0] === 's-c') throw new Error('gate broken');
        moves.push({ gate: gate.serverId, args });
        return args[0] === 's-b' ? MOVE_OUTCOME.FAILED : MOVE_OUTCOME.MOVED;
      },
    }, ['moveAndWait']);
  }
  const launcher = new ClusterMatchLauncher({ rpc: mm!, discovery, lobbyType: 'lobby', callTimeoutMs: 2_000, logger });
  return { launcher, created, asked, moves, logger, members };
}

describe('ClusterMatchLauncher', () => {
  it('creates the space on the least loaded lobby with the teams, moves each player through its gate, and reports each outcome', async () => {
    const { launcher, created, moves, logger } = await cluster();
    const result = await launcher.launch(PLAN);
    expect(result).toEqual({ space: { id: 'match-1', type: 'match', lobbyId: 'lobby-2' }, moved: ['a', 'd'], failed: ['b'], unconfirmed: ['c'] });
    expect(created).toEqual([{ lobby: 'lobby-2', args: ['match', { data: { mode: '2v2', teams: [['a', 'b'], ['c', 'd']] } }] }]);
    expect(moves.map((m) => [m.gate, ...m.args]).sort()).toEqual([
      ['gate-1', 's-a', 'lobby-2', 'match-1'],
      ['gate-1', 's-b', 'lobby-2', 'match-1'],
      ['gate-2', 's-d', 'lobby-2', 'match-1'],
    ]);
    expect(logger.at('warn').map((l) => [l.message, l.meta?.uid, l.meta?.outcome])).toEqual([
      ['matchmaker: a player could not be moved into its match', 'b', 'failed'],
      ['matchmaker: a player could not be moved into its match', 'c', undefined],
    ]);
  });

  it('counts the players it sent to a lobby since its last load report, so that one pass spreads its matches', async () => {
    const { launcher, created, members } = await cluster();
    const lobbies = async (n: number) => {
      const picked: string[] = [];
      for (let i = 0; i < n; i++) picked.push((await launcher.launch(PLAN)).space.lobbyId);
      return picked;
    };
    // lobby-1 reported 30 sessions, lobby-2 10: lobby-2 takes matches of 4 until it reaches 30, then they take turns.
    expect(await lobbies(8)).toEqual(['lobby-2', 'lobby-2', 'lobby-2', 'lobby-2', 'lobby-2', 'lobby-2', 'lobby-1', 'lobby-2']);
    // A new report replaces what was counted: lobby-2 says 0 now.
    await members[1]!.reportLoad({ sessions: 0, entities: 0, eventLoopLagMs: 0, cpu: 0 });
    expect(await lobbies(1)).toEqual(['lobby-2']);
    expect(created).toHaveLength(9);
  });

  it('creates no match on a draining lobby, and fails when every lobby drains', async () => {
    const { launcher, created, members } = await cluster();
    await members[1]!.markDraining();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await launcher.launch(PLAN)).space.lobbyId).toBe('lobby-1');
    await members[0]!.markDraining();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(launcher.launch(PLAN)).rejects.toThrow('no server of type lobby is registered and serving');
    expect(created.map((c) => c.lobby)).toEqual(['lobby-1']);
  });

  it('fails when the lobby cannot create the space, so that the tickets go back', async () => {
    const { launcher, moves } = await cluster({ failCreate: true });
    await expect(launcher.launch(PLAN)).rejects.toMatchObject({ name: 'RemoteError' });
    expect(moves).toEqual([]);
  });

  it('asks the next least loaded lobby when one hosts as many spaces as it may, and leaves that one out until its next load report', async () => {
    const full = new Set(['lobby-2']);
    const { launcher, asked, members } = await cluster({ full });
    expect((await launcher.launch(PLAN)).space.lobbyId).toBe('lobby-1');
    expect(asked).toEqual(['lobby-2', 'lobby-1']);
    expect((await launcher.launch(PLAN)).space.lobbyId).toBe('lobby-1');
    expect(asked).toEqual(['lobby-2', 'lobby-1', 'lobby-1']);
    // Its next report says what it holds now: it is asked again, and takes the match.
    full.clear();
    await members[1]!.reportLoad({ sessions: 10, entities: 0, eventLoopLagMs: 0, cpu: 0 });
    expect((await launcher.launch(PLAN)).space.lobbyId).toBe('lobby-2');
    expect(asked.slice(3)).toEqual(['lobby-2']);
  });

  it('fails with SPACE_ERR_TOO_MANY when every lobby is full, asking each once and moving no one, so that the tickets go back', async () => {
    const { launcher, asked, moves, members } = await cluster({ full: new Set(['lobby-1', 'lobby-2']) });
    await expect(launcher.launch(PLAN)).rejects.toMatchObject({ name: 'RemoteError', code: SPACE_TOO_MANY_CODE });
    expect(asked).toEqual(['lobby-2', 'lobby-1']);
    // No lobby has reported since it refused: the next launch fails without asking.
    await expect(launcher.launch(PLAN)).rejects.toThrow(`each of the 2 servers of type lobby refused a space since its last load report (${SPACE_TOO_MANY_CODE})`);
    expect(asked).toHaveLength(2);
    await members[0]!.reportLoad({ sessions: 30, entities: 0, eventLoopLagMs: 0, cpu: 0 });
    await expect(launcher.launch(PLAN)).rejects.toMatchObject({ code: SPACE_TOO_MANY_CODE });
    expect(asked).toEqual(['lobby-2', 'lobby-1', 'lobby-1']);
    expect(moves).toEqual([]);
  });

  it('fails when no lobby is registered', async () => {
    nodes = await startTestNodes(['mm']);
    const discovery = new MemoryDiscovery({ cluster: new MemoryCluster({ clock: nodes.clock }), clock: nodes.clock, logger: new MemoryLogger() });
    const launcher = new ClusterMatchLauncher({ rpc: nodes.nodes[0]!, discovery, lobbyType: 'lobby', callTimeoutMs: 1_000, logger: new MemoryLogger() });
    await expect(launcher.launch(PLAN)).rejects.toThrow('no server of type lobby is registered');
  });
});
