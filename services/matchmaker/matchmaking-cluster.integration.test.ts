/**
 * Matchmaking in a real cluster (main.ts processes on the harness's etcd, FerretDB and Redis): the
 * services process runs the matchmaker on Redis, two gates and two lobbies run
 * services/matchmaker/fixtures/match-game.ts, whose 2v2 matches are `match` spaces. A thousand
 * players log in over TCP and queue at once; each ends in exactly one match of four, moved there
 * on the connection it has, and the matches spread over both lobbies. Then the services process
 * is killed with tickets waiting, and the one started in its place matches them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../../client-sim/gate-client.js';
import { login, register } from '../../client-sim/login.js';
import { connectGate } from '../../client-sim/node-client.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from '../../gate/fixtures/cluster-of-processes.js';
import type { MatchReport } from './fixtures/match-game.js';

/** Players who queue together. */
const PLAYERS = 1000;
/** Players logging in and connecting at once: the login rate the test holds to. */
const BATCH = 25;
const PASSWORD = 'correct-horse-battery';

interface SpaceEvent {
  spaceId: string;
  type: string;
  lobbyId: string;
}

interface Player {
  uid: string;
  client: GateClient;
  /** Every sys.space the client heard, in order. */
  spaces: SpaceEvent[];
}

describe('matchmaking across two lobbies, in processes', () => {
  let cluster: ProcessCluster;
  const clients: GateClient[] = [];

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `matchmaking-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      // Leases and avatar claims that outlast the pauses of five busy processes sharing two cores
      // with the rest of the suite. Claims renewed every 15 s: FerretDB answers a renewal (one
      // update of all of a lobby's claims) by reading every claim record, about half a second
      // for 500 claims, and renewals every 5 s starve there once the machine is busy.
      leaseTtlSeconds: 10,
      claimTtlMs: 60_000,
      extraArgs: [
        '--game', 'services/matchmaker/fixtures/match-game.ts',
        // Hashing at production cost would take minutes for a thousand accounts.
        '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1',
        '--login.hashing.maxRegistrations', '1000', '--login.hashing.maxQueuedLogins', '1000',
        '--matchmaker.intervalMs', '200', '--matchmaker.callTimeoutMs', '20000',
        '--gate.lobbyTimeoutMs', '30000',
      ],
    });
    await register(cluster.loginUrl, 'probe', PASSWORD);
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'probe', PASSWORD), 15_000, 200);
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  }, 60_000);

  /** The servers' warnings and errors, the last few of each process, for a failure's message. */
  function problems(): string {
    return cluster
      .all()
      .flatMap((p) => p.output().split('\n').filter((line) => / (warn|error) /.test(line)).slice(-10))
      .join('\n');
  }

  /** Registers, logs in and connects `names` over TCP, `BATCH` at a time. */
  async function connect(names: readonly string[]): Promise<Player[]> {
    const players: Player[] = [];
    for (let start = 0; start < names.length; start += BATCH) {
      const batch = await Promise.all(
        names.slice(start, start + BATCH).map(async (name) => {
          await register(cluster.loginUrl, name, PASSWORD);
          const { token, uid, gate } = await login(cluster.loginUrl, name, PASSWORD);
          // Generous deadlines: five busy processes share two cores with the test itself.
          const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey, connectTimeoutMs: 30_000, handshakeTimeoutMs: 30_000, requestTimeoutMs: 60_000 });
          clients.push(client);
          const spaces: SpaceEvent[] = [];
          client.on('sys.space', (body) => spaces.push(body as SpaceEvent));
          await client.auth(token);
          return { uid, client, spaces };
        }),
      );
      players.push(...batch);
    }
    return players;
  }

  it(`puts each of ${PLAYERS} players in exactly one match of two teams of two, moved there on its connection, the matches on both lobbies`, async () => {
    const players = await connect(Array.from({ length: PLAYERS }, (_, i) => `mm-${i}`));
    // All queue at once, rated within the mode's starting window of each other.
    const queued = await Promise.all(players.map(({ client }, i) => client.request<{ state: string }>('queue.join', 1000 + (i % 50))));
    expect(queued.every((status) => status.state === 'waiting')).toBe(true);
    await waitUntil('every player in a match', () => players.every((p) => p.spaces.length > 0), 240_000, 200).catch((err: unknown) => {
      throw new Error(`${players.filter((p) => p.spaces.length > 0).length} of ${PLAYERS} players in a match; what the servers warned of:\n${problems()}`, { cause: err });
    });

    // What the clients say: one sys.space each, naming a match space of four.
    const bySpace = new Map<string, string[]>();
    for (const { uid, spaces } of players) {
      expect(spaces).toHaveLength(1);
      expect(spaces[0]!.type).toBe('match');
      bySpace.set(spaces[0]!.spaceId, [...(bySpace.get(spaces[0]!.spaceId) ?? []), uid]);
    }
    expect(bySpace.size).toBe(PLAYERS / 4);
    for (const members of bySpace.values()) expect(members).toHaveLength(4);
    const lobbyIds = await Promise.all(cluster.lobbies.map((lobby) => cluster.serverIdOf(lobby)));
    expect(new Set(players.map(({ spaces }) => spaces[0]!.lobbyId))).toEqual(new Set(lobbyIds));

    // Each is served in its match's space, on the connection it had.
    const where = await Promise.all(players.map(({ client }) => client.request<{ lobby: string; space: string | undefined }>('queue.where')));
    where.forEach((at, i) => expect(at).toEqual({ lobby: players[i]!.spaces[0]!.lobbyId, space: players[i]!.spaces[0]!.spaceId }));
    expect(players.every(({ client }) => client.isOpen)).toBe(true);

    // What the lobbies say, asked through a player on each: the same matches, two teams of two each,
    // every player in exactly one of them.
    const reports = await Promise.all(
      lobbyIds.map((lobbyId) => players.find(({ spaces }) => spaces[0]!.lobbyId === lobbyId)!.client.request<{ lobby: string; matches: MatchReport[] }>('queue.matches')),
    );
    expect(reports.map((r) => r.lobby)).toEqual(lobbyIds);
    const reported = reports.flatMap((r) => r.matches);
    expect(reported).toHaveLength(PLAYERS / 4);
    for (const match of reported) {
      expect(match.teams.map((team) => team.length)).toEqual([2, 2]);
      expect([...match.players].sort()).toEqual(match.teams.flat().sort());
      expect([...match.players].sort()).toEqual([...bySpace.get(match.id)!].sort());
    }
    const matchedUids = reported.flatMap((m) => m.players);
    expect(new Set(matchedUids).size).toBe(PLAYERS);
    expect(new Set(matchedUids)).toEqual(new Set(players.map((p) => p.uid)));
  }, 400_000);

  it('matches the tickets left waiting when the services process was killed, once another is started in its place', async () => {
    const players = await connect(['restart-0', 'restart-1', 'restart-2', 'restart-3']);
    const [first, second, third, last] = players as [Player, Player, Player, Player];
    for (const { client } of [first, second, third]) expect(await client.request('queue.join', 1500)).toMatchObject({ state: 'waiting' });

    await cluster.restart(cluster.services, 'SIGKILL');
    // The lobby reaches the new matchmaker once the dead one's lease has lapsed: until then a
    // join may time out there (nothing stored) and is tried again.
    const joined = await waitUntil('the last player queued with the new matchmaker', () => last.client.request<{ state: string }>('queue.join', 1500), 60_000, 500);
    expect(joined.state).toBe('waiting');
    await waitUntil('the four in a match', () => players.every((p) => p.spaces.length > 0), 60_000, 100);

    const spaces = new Set(players.map((p) => p.spaces[0]!.spaceId));
    expect(spaces.size).toBe(1);
    expect(players.every((p) => p.spaces.length === 1 && p.spaces[0]!.type === 'match')).toBe(true);
    const at = await first.client.request<{ lobby: string; matches: MatchReport[] }>('queue.matches');
    const match = at.matches.find((m) => m.id === first.spaces[0]!.spaceId)!;
    expect([...match.players].sort()).toEqual(players.map((p) => p.uid).sort());
  }, 180_000);
});
