import type { TestClient, TestServer } from 'tessera/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TeamChatLine, View } from './arena-service.js';
import { Health, Position } from './body.js';
import { Experience } from './experience.js';
import { heroOf, killMonster, monster, standNextTo, startArena, ticks } from './fixtures/arena-server.js';
import type { MatchResult } from './match-referee.js';
import { spaces, type MatchEntered } from './spaces.js';
import { FIELD, HERO, MATCH, MONSTER, fieldId, matchSpawn, monsterId, refereeId, teamGroup } from './rules.js';

let server: TestServer;

afterEach(async () => {
  await server?.stop();
});

/** What a `sys.space` push says. */
interface SpacePush {
  spaceId: string;
  type: string;
  lobbyId: string;
}

describe('the field', () => {
  it('is where every player starts, at the spawn point', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    const hero = heroOf(server, client);
    expect(hero.space?.id).toBe(fieldId(server.game.serverId));
    expect(hero.get(Position)).toMatchObject(HERO.spawn);
    expect((await client.request<View>('arena.look')).space).toEqual({ id: fieldId(server.game.serverId), type: FIELD.type });
  });

  it('shows a player what is within its view radius and nothing farther (arena.look)', async () => {
    server = await startArena();
    const alice = await server.connect({ transport: 'tcp' });
    const bob = await server.connect({ transport: 'ws' });
    const home = MONSTER.homes[0]!;
    // Alice stands well within the view radius of monster-1's home, Bob beside her a little past it.
    Object.assign(heroOf(server, alice).get(Position), { x: home.x, y: home.y + FIELD.viewRadius - 4 });
    Object.assign(heroOf(server, bob).get(Position), { x: home.x + 3, y: home.y + FIELD.viewRadius + 4 });
    server.tick(1);
    const seenByAlice = await alice.request<View>('arena.look');
    expect(seenByAlice.monsters.map((m) => m.id)).toEqual([monsterId(0)]);
    expect(seenByAlice.heroes.map((h) => h.id)).toEqual([heroOf(server, bob).id]);
    const seenByBob = await bob.request<View>('arena.look');
    expect(seenByBob.monsters).toEqual([]);
    expect(seenByBob.heroes.map((h) => h.id)).toEqual([heroOf(server, alice).id]);
  });

  it('takes FIELD.maxPlayers heroes; a lobby\'s further fields have monsters of their own', async () => {
    server = await startArena();
    expect(spaces.field.maxPlayers).toBe(FIELD.maxPlayers);
    const second = `${fieldId(server.game.serverId)}:2`;
    await server.game.spaces.create(FIELD.type, { id: second, here: true });
    expect(server.game.spaces.local(second)!.world.list().map((e) => e.id).sort()).toEqual(MONSTER.homes.map((_, i) => monsterId(i, second)).sort());
    expect(monster(server, monsterId(0)).space?.id).toBe(fieldId(server.game.serverId));
  });
});

/** Four new players, each queued for a 2v2 match. */
async function queueFour(): Promise<TestClient[]> {
  const players = await Promise.all([0, 1, 2, 3].map((i) => server.connect({ transport: i % 2 ? 'ws' : 'tcp' })));
  // Each was told at login that it starts in its lobby's field.
  for (const player of players) expect(await player.nextPush<SpacePush>('sys.space')).toMatchObject({ spaceId: fieldId(server.game.serverId), type: FIELD.type });
  for (const player of players) expect(await player.request('arena.queue')).toMatchObject({ owner: player.uid, mode: MATCH.mode, state: 'waiting' });
  return players;
}

describe('2v2 matches', () => {
  it('take four queued players into a match of their own, each team at its side with the match\'s monsters between them', async () => {
    server = await startArena();
    const players = await queueFour();
    const moved = await Promise.all(players.map((p) => p.nextPush<SpacePush>('sys.space', { timeoutMs: 10_000 })));
    const matchId = moved[0]!.spaceId;
    expect(moved).toEqual(players.map(() => ({ spaceId: matchId, type: MATCH.type, lobbyId: server.game.serverId })));
    const entered = await Promise.all(players.map((p) => p.nextPush<MatchEntered>('arena.match', { timeoutMs: 5_000 })));
    const teams = entered[0]!.teams;
    expect(teams.flat().sort()).toEqual(players.map((p) => p.uid).sort());
    players.forEach((player, i) => {
      const hero = heroOf(server, player);
      const team = teams.findIndex((members) => members.includes(player.uid));
      expect(entered[i]).toEqual({ spaceId: matchId, team, teams });
      expect(hero.space?.id).toBe(matchId);
      expect(hero.get(Position)).toMatchObject(matchSpawn(team, teams[team]!.indexOf(player.uid)));
    });
    MATCH.homes.forEach((home, i) => expect(monster(server, monsterId(i, matchId)).get(Position)).toMatchObject(home));
    expect(server.game.spaces.local(matchId)?.playerCount).toBe(4);
  });

  it('send a player back to the field with arena.leave, and refuse to queue from a match or to leave the field', async () => {
    server = await startArena();
    const players = await queueFour();
    const [first] = players;
    expect(await first!.nextPush<SpacePush>('sys.space', { timeoutMs: 10_000 })).toMatchObject({ type: MATCH.type });
    await first!.nextPush('arena.match', { timeoutMs: 5_000 });
    await expect(first!.request('arena.queue')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_IN_MATCH' });
    await first!.request('arena.leave');
    expect(await first!.nextPush<SpacePush>('sys.space', { timeoutMs: 5_000 })).toMatchObject({ spaceId: fieldId(server.game.serverId), type: FIELD.type });
    expect(heroOf(server, first!).get(Position)).toMatchObject(HERO.spawn);
    await expect(first!.request('arena.leave')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NOT_IN_MATCH' });
  });

  it('let a hero downed in a match leave it on its feet, and its respawn timer does not pull it back later', async () => {
    server = await startArena();
    const [first] = await queueFour();
    await first!.nextPush<SpacePush>('sys.space', { timeoutMs: 10_000 });
    const { spaceId } = await first!.nextPush<MatchEntered>('arena.match', { timeoutMs: 5_000 });
    const hero = heroOf(server, first!);
    standNextTo(hero, monster(server, monsterId(1, spaceId)));
    hero.get(Health).hp = MONSTER.damage;
    server.tick(ticks(0.5));
    await first!.nextPush('arena.death', { timeoutMs: 5_000 });
    await first!.request('arena.leave');
    await first!.nextPush<SpacePush>('sys.space', { timeoutMs: 5_000 });
    expect(hero.get(Health).hp).toBe(HERO.maxHp);
    await first!.request('Controls.move', 1, 0);
    server.tick(ticks(HERO.respawnMs / 1000));
    // A request runs after what the hero's timers queued meanwhile.
    await first!.request('arena.look');
    expect(hero.get(Position).x).toBeCloseTo(HERO.spawn.x + HERO.speed * HERO.respawnMs / 1000, 3);
    expect(first!.kept('arena.respawn')).toEqual([]);
  });

  it('refuse a second ticket with ARENA_ERR_QUEUE_REFUSED naming the matchmaker\'s code, and take a player out of the queue with arena.cancel', async () => {
    server = await startArena();
    const client = await server.connect({ transport: 'tcp' });
    await client.request('arena.queue');
    await expect(client.request('arena.queue')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_QUEUE_REFUSED', message: expect.stringContaining('MATCH_ERR_ALREADY_QUEUED') });
    expect(await client.request('arena.cancel')).toBe(true);
    expect(await client.request('arena.cancel')).toBe(false);
  });
});

describe('the end of a match', () => {
  /** A 2v2 match with its four players in it: its space id and the clients of each team. */
  interface Match {
    id: string;
    teams: TestClient[][];
  }

  async function startMatch(): Promise<Match> {
    server = await startArena();
    const players = await queueFour();
    for (const player of players) await player.nextPush<SpacePush>('sys.space', { timeoutMs: 10_000 });
    const entered = await Promise.all(players.map((p) => p.nextPush<MatchEntered>('arena.match', { timeoutMs: 5_000 })));
    const { spaceId, teams } = entered[0]!;
    return { id: spaceId, teams: teams.map((uids) => uids.map((uid) => players.find((p) => p.uid === uid)!)) };
  }

  /** Every player of `match` is told `outcome` (its team, and the experience its result gave) and is moved back to the field. */
  async function expectEnd(match: Match, outcome: Pick<MatchResult, 'winner' | 'kills' | 'reason'>): Promise<void> {
    for (const [team, clients] of match.teams.entries()) {
      for (const client of clients) {
        const xp = outcome.winner === team ? MATCH.winXp : 0;
        expect(await client.nextPush<MatchResult>('arena.result', { timeoutMs: 5_000 })).toEqual({ spaceId: match.id, ...outcome, team, xp });
        expect(await client.nextPush<SpacePush>('sys.space', { timeoutMs: 5_000 })).toEqual({ spaceId: fieldId(server.game.serverId), type: FIELD.type, lobbyId: server.game.serverId });
        expect(heroOf(server, client).space?.id).toBe(fieldId(server.game.serverId));
        expect(heroOf(server, client).get(Position)).toMatchObject(HERO.spawn);
      }
    }
  }

  it('comes at the time limit: the team with more kills wins and gains experience, everyone is back in the field, and the empty match is disposed', async () => {
    const match = await startMatch();
    const [west, east] = match.teams as [TestClient[], TestClient[]];
    await killMonster(server, west[0]!, monsterId(1, match.id));
    // Just before the limit (one second went by in the kill), the match still runs.
    server.tick(ticks(MATCH.durationMs / 1000 - HERO.attackCooldown) - 1);
    expect((await west[1]!.request<View>('arena.look')).space).toEqual({ id: match.id, type: MATCH.type });
    server.tick(1);
    await expectEnd(match, { winner: 0, kills: [1, 0], reason: 'time' });
    expect(heroOf(server, west[0]!).get(Experience).xp).toBe(MONSTER.xp + MATCH.winXp);
    expect(heroOf(server, west[1]!).get(Experience).xp).toBe(MATCH.winXp);
    for (const loser of east) expect(heroOf(server, loser).get(Experience).xp).toBe(0);

    expect(server.game.spaces.local(match.id)?.playerCount).toBe(0);
    server.tick(ticks(MATCH.emptyGraceMs / 1000));
    await vi.waitFor(() => expect(server.game.spaces.local(match.id)).toBeUndefined());
    expect(server.find(refereeId(match.id))).toBeUndefined();
  });

  it('comes at once when its lobby drains (the space\'s onDrain), scored as it stands, everyone told before moving', async () => {
    const match = await startMatch();
    const [west] = match.teams as [TestClient[], TestClient[]];
    await killMonster(server, west[0]!, monsterId(1, match.id));
    const space = server.game.spaces.local(match.id)!;
    await space.definition.onDrain!(space);
    await expectEnd(match, { winner: 0, kills: [1, 0], reason: 'drain' });
    expect(heroOf(server, west[1]!).get(Experience).xp).toBe(MATCH.winXp);
  });

  it('carries a team chat line to the speaker\'s team only, and empties the teams\' groups when the match ends (arena.chat)', async () => {
    const match = await startMatch();
    const [west, east] = match.teams as [TestClient[], TestClient[]];
    await west[0]!.request('arena.chat', 'flank left');
    for (const client of west) expect(await client.nextPush<TeamChatLine>('arena.chat', { timeoutMs: 5_000 })).toEqual({ from: west[0]!.uid, text: 'flank left' });
    await east[1]!.request('arena.chat', 'hold the middle');
    for (const client of east) expect(await client.nextPush<TeamChatLine>('arena.chat', { timeoutMs: 5_000 })).toEqual({ from: east[1]!.uid, text: 'hold the middle' });
    // Each team heard its own line only.
    for (const client of [...west, ...east]) expect(client.kept('arena.chat')).toEqual([]);
    expect((await server.game.groups.members(teamGroup(match.id, 0))).sort()).toEqual(west.map((c) => c.uid).sort());
    await expect(west[1]!.request('arena.chat', '')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_BAD_CHAT' });
    await expect(west[1]!.request('arena.chat', 'x'.repeat(MATCH.maxChatChars + 1))).rejects.toMatchObject({ serverCode: 'ARENA_ERR_BAD_CHAT' });

    server.tick(ticks(MATCH.durationMs / 1000));
    await expectEnd(match, { winner: null, kills: [0, 0], reason: 'time' });
    await vi.waitFor(async () => expect(await server.game.groups.members(teamGroup(match.id, 0))).toEqual([]));
    expect(await server.game.groups.members(teamGroup(match.id, 1))).toEqual([]);
    await expect(west[0]!.request('arena.chat', 'anyone?')).rejects.toMatchObject({ serverCode: 'ARENA_ERR_NOT_IN_MATCH' });
  });

  it('comes as soon as every match monster is slain, and a slain match monster never respawns', async () => {
    const match = await startMatch();
    const slayer = match.teams[1]![0]!;
    await killMonster(server, slayer, monsterId(0, match.id));
    server.tick(ticks(MONSTER.respawnMs / 1000));
    expect(monster(server, monsterId(0, match.id)).get(Health).hp).toBe(0);
    expect(slayer.kept('arena.result')).toEqual([]);
    await killMonster(server, slayer, monsterId(1, match.id));
    server.tick(ticks(HERO.attackCooldown));
    await killMonster(server, slayer, monsterId(2, match.id));
    await expectEnd(match, { winner: 1, kills: [0, 3], reason: 'cleared' });
    expect(heroOf(server, slayer).get(Experience).xp).toBe(MATCH.homes.length * MONSTER.xp + MATCH.winXp);
  });

  it('is a draw when both teams have as many kills at the time limit: nobody gains experience for it', async () => {
    const match = await startMatch();
    const [west, east] = match.teams as [TestClient[], TestClient[]];
    await killMonster(server, west[1]!, monsterId(0, match.id));
    await killMonster(server, east[0]!, monsterId(2, match.id));
    server.tick(ticks(MATCH.durationMs / 1000));
    await expectEnd(match, { winner: null, kills: [1, 1], reason: 'time' });
    expect(heroOf(server, west[1]!).get(Experience).xp).toBe(MONSTER.xp);
    expect(heroOf(server, east[0]!).get(Experience).xp).toBe(MONSTER.xp);
  });
});
