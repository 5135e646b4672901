/**
 * A world boss that outlives its lobby, in a real cluster (main.ts processes on the harness's
 * etcd, FerretDB and Redis: two gates, three lobbies) running gate/fixtures/boss-game.ts. Players
 * on the lobbies that do not run the boss keep hitting it (`boss.hit`, a call to the global from
 * their lobby) while its lobby is SIGKILLed: another lobby takes it over with its saved hit points
 * once the dead lobby's lease and store claim have lapsed, and every hit made through the kill
 * either succeeded or failed with a code `isRetryable` accepts, by its deadline: none hangs. Then
 * the new owner is stopped with SIGTERM: it drains, moving the boss live to the last lobby with
 * every hit.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import { BOSS_HP, HIT_TIMEOUT_MS, type HitOutcome } from './fixtures/boss-game.js';
import { startProcessCluster, stopProcess, waitUntil, type ProcessCluster } from './fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';
const PLAYERS = 6;
/** Far past a hit's own deadline (plus the gate's): a hit not answered by then hangs. */
const HUNG_AFTER_MS = 4 * HIT_TIMEOUT_MS;

interface Player {
  client: GateClient;
  lobby: string;
}

/** The boss's document as the MongoDB backend stores it. */
interface BossRow {
  _id: string;
  components: { Health: { hp: number } };
}

type Outcome = HitOutcome | { ok: false; code: 'HUNG' | 'REFUSED'; detail: string };

/** One hit, raced against the hang limit. */
async function hit(client: GateClient): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, code: 'HUNG', detail: `no answer within ${HUNG_AFTER_MS} ms` }), HUNG_AFTER_MS);
  });
  try {
    return await Promise.race([client.request<HitOutcome>('boss.hit'), hung]);
  } catch (err) {
    return { ok: false, code: 'REFUSED', detail: String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keeps every client hitting the boss, one hit after another, while `during` runs (it gets the
 * outcomes so far); stops them once it has ended, however it ended.
 */
async function hitWhile(clients: GateClient[], during: (outcomes: Outcome[]) => Promise<void>): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let stop = false;
  const streams = clients.map(async (client) => {
    while (!stop) outcomes.push(await hit(client));
  });
  try {
    await during(outcomes);
  } finally {
    stop = true;
    await Promise.all(streams);
  }
  return outcomes;
}

/** What the lobbies logged about globals, and how the hits went, for a failed wait's message. */
function explain(cluster: ProcessCluster, outcomes: Outcome[]): string {
  const lines = cluster.lobbies.flatMap((lobby) => lobby.output().split('\n').filter((line) => /global|lease|claim/i.test(line)));
  const codes = outcomes.map((o) => (o.ok ? `ok@${o.lobby}` : o.code));
  return `hits: ${codes.slice(-40).join(' ')}\n${lines.slice(-40).join('\n')}`;
}

/** Waits as `waitUntil` does; a failure names what the lobbies logged about globals. */
async function waitFor(cluster: ProcessCluster, outcomes: Outcome[], what: string, check: () => boolean): Promise<void> {
  try {
    await waitUntil(what, check, 90_000, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${explain(cluster, outcomes)}`);
  }
}

/** The outcomes that succeeded on a lobby other than `lobby`. */
function elsewhere(outcomes: Outcome[], lobby: string): Array<Extract<Outcome, { ok: true }>> {
  return outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok && o.lobby !== lobby);
}

describe('a global entity whose lobby is killed or drained', () => {
  let cluster: ProcessCluster;
  let mongo: MongoClient;
  const players: Player[] = [];
  /** Where the first test left the boss, and the lobbies it killed. */
  let lastOwner: string | undefined;
  /** The lobbies' server ids, in the order of `cluster.lobbies`. */
  let lobbyIds: string[] = [];
  const gone = new Set<string>();

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `global-boss-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 2,
      lobbies: 3,
      extraArgs: [
        '--game', 'gate/fixtures/boss-game.ts', '--lobby.globalCheckMs', '250',
        // A lobby killed in the middle of saving the boss holds the document until its write claim
        // is stale: few, short store retries bring that bound to its floor of 30 s.
        '--store.mongodb.maxRetries', '1', '--store.mongodb.serverSelectionTimeoutMs', '1500', '--store.mongodb.retryMaxMs', '200',
      ],
      // Players spread over the three lobbies, so that some are bound to lobbies that live on.
      gateArgs: ['--gate.lobbyPolicy', 'round-robin'],
    });
    mongo = await MongoClient.connect(inject('mongoUrl'));
    for (let i = 0; i < PLAYERS; i++) {
      const name = `raider-${i}`;
      await register(cluster.loginUrl, name, PASSWORD);
      const { token, gate } = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, name, PASSWORD), 15_000, 200);
      const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
      await client.auth(token);
      players.push({ client, lobby: await client.request<string>('boss.where') });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { client } of players) client.close();
    await mongo?.close();
    await cluster?.stop();
  }, 60_000);

  it('comes back on another lobby with its saved hit points, and no hit made through the kill hangs', async () => {
    // Hits from every player reach the one boss, wherever it runs.
    const first: Outcome[] = [];
    for (const { client } of players) for (let i = 0; i < 5; i++) first.push(await hit(client));
    expect(first.every((o) => o.ok)).toBe(true);
    const owner = (first[0] as { lobby: string }).lobby;
    expect(first.map((o) => (o as { lobby: string }).lobby)).toEqual(first.map(() => owner));
    const saved = BOSS_HP - first.length;
    await waitUntil('the hits saved', async () => (await mongo.db(cluster.database).collection<BossRow>('WorldBoss').findOne({ _id: 'boss' }))?.components.Health.hp === saved, 20_000);

    lobbyIds = await Promise.all(cluster.lobbies.map((lobby) => cluster.serverIdOf(lobby)));
    const victim = cluster.lobbies[lobbyIds.indexOf(owner)]!;
    // Players bound to the doomed lobby would be rebound by their gate: only the others hit through the kill.
    const hitters = players.filter((p) => p.lobby !== owner);
    expect(hitters.length).toBeGreaterThan(0);

    let killedAt = 0;
    const outcomes = await hitWhile(hitters.map((p) => p.client), async (so) => {
      await waitUntil('hits going on', () => so.length >= 10, 20_000);
      victim.child.kill('SIGKILL');
      await victim.exited;
      killedAt = so.length;
      // Until the new owner has answered each hitter a few times.
      await waitFor(cluster, so, 'the boss answering on another lobby', () => elsewhere(so, owner).length >= 5 * hitters.length);
    });
    const onNewOwner = (): Array<Extract<Outcome, { ok: true }>> => elsewhere(outcomes, owner);

    const newOwner = onNewOwner()[0]!.lobby;
    expect(lobbyIds.filter((id) => id !== owner)).toContain(newOwner);
    const failed = outcomes.filter((o) => !o.ok);
    const counts = { total: outcomes.length, afterKill: outcomes.length - killedAt, failed: failed.length, onNewOwner: onNewOwner().length };
    // No hit hung or was refused with a code a caller cannot retry on.
    expect(failed.filter((o) => o.code === 'HUNG' || o.code === 'REFUSED'), JSON.stringify(counts)).toEqual([]);
    for (const o of failed) expect(['RPC_ERR_LINK_LOST', 'RPC_ERR_DEADLINE_EXCEEDED', 'RPC_ERR_PEER_UNREACHABLE', 'RPC_ERR_NO_SUCH_ENTITY', 'RPC_ERR_UNKNOWN_NAME']).toContain(o.code);
    // Once on the new owner, every hit landed there.
    const firstNew = outcomes.findIndex((o) => o.ok && o.lobby !== owner);
    expect(outcomes.slice(firstNew).filter((o) => o.ok && o.lobby === owner)).toEqual([]);

    // The saved hit points came with it: every hit saved before the kill, every hit on the new
    // owner, and of the hits on the old owner after the check, those it saved before it died.
    const { hp } = await players.find((p) => p.lobby !== owner)!.client.request<{ hp: number; lobby: string }>('boss.read');
    const acknowledged = first.length + outcomes.filter((o) => o.ok).length;
    expect(hp).toBeLessThanOrEqual(saved - counts.onNewOwner);
    expect(hp).toBeGreaterThanOrEqual(BOSS_HP - acknowledged - failed.length);
    // Written for the report: how the hits through the kill went.
    const codes = Object.fromEntries([...new Set(failed.map((o) => o.code))].map((code) => [code, failed.filter((o) => o.code === code).length]));
    console.info(`[global boss] killed: ${JSON.stringify({ ...counts, hitters: hitters.length, codes })}`);
    lastOwner = newOwner;
    gone.add(owner);
  }, 180_000);

  it('moves to the last lobby when its lobby drains, with every hit saved', async () => {
    const owner = lastOwner!;
    const draining = cluster.lobbies[lobbyIds.indexOf(owner)]!;
    // The players of the killed lobby were rebound by their gates: each says where it is now.
    for (const player of players) player.lobby = await player.client.request<string>('boss.where');
    const hitters = players.filter((p) => p.lobby !== owner);
    expect(hitters.length).toBeGreaterThan(0);
    const reader = hitters[0]!.client;
    const before = (await reader.request<{ hp: number; lobby: string }>('boss.read')).hp;

    const outcomes = await hitWhile(hitters.map((p) => p.client), async (so) => {
      await waitUntil('hits going on', () => so.length >= 10, 20_000);
      // SIGTERM: the lobby drains (its global moved live to the last lobby), then leaves.
      await stopProcess(draining);
      await waitFor(cluster, so, 'the boss answering on the last lobby', () => elsewhere(so, owner).length >= 5 * hitters.length);
    });
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed.filter((o) => o.code === 'HUNG' || o.code === 'REFUSED')).toEqual([]);
    const last = elsewhere(outcomes, owner)[0]!.lobby;
    expect([owner, ...gone]).not.toContain(last);
    // A drain loses nothing: every hit acknowledged is in the hit points, and at most the failed ones besides.
    const acknowledged = outcomes.filter((o) => o.ok).length;
    const { hp, lobby } = await reader.request<{ hp: number; lobby: string }>('boss.read');
    expect(lobby).toBe(last);
    expect(hp).toBeLessThanOrEqual(before - acknowledged);
    expect(hp).toBeGreaterThanOrEqual(before - acknowledged - failed.length);
    const codes = Object.fromEntries([...new Set(failed.map((o) => o.code))].map((code) => [code, failed.filter((o) => o.code === code).length]));
    console.info(`[global boss] drained: ${JSON.stringify({ total: outcomes.length, failed: failed.length, hitters: hitters.length, codes })}`);
  }, 180_000);
});
