/**
 * The cluster on separate hosts (scripts/topology.sh: one network namespace per host, docs/topology.md)
 * keeps playing through failures of a host, with bots on the client host playing while it happens:
 * an etcd member killed and brought back, a lobby host cut off for longer than its lease, a gate
 * host cut off. One topology serves the three tests. Runs only where network namespaces can be
 * made (root on Linux), and says why when it does not.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './gate/fixtures/cluster-of-processes.js';
import { acknowledgedItems, closedConnections, failuresBetween, missingItems } from './gate/faults/fixtures/fault-figures.js';
import type { LedgerLine } from './gate/faults/fixtures/ledger-scenario.js';
import { logEntries } from './fixtures/server-log.js';
import { startTopology, topologyUnavailable, type BotsRun, type Topology, type TopologyHost } from './fixtures/topology.js';
import { startTopologyPlayers, type TopologyPlayers } from './fixtures/topology-players.js';
import { readAvatars } from './fixtures/topology-store.js';
import type { RunSummary } from './client-sim/bots/run-summary.js';

const ECHO = 'client-sim/bots/fixtures/runner/echo-scenario.ts';
const BOTS = 20;
/** Players of the ledger scenario in the cut tests (each buys about once a second). */
const PLAYERS = 12;
const SERVERS = 6; // the services, two gates and three lobbies
const LOBBIES = ['lobby-1', 'lobby-2', 'lobby-3'] as const satisfies readonly TopologyHost[];
const GATES = ['gate-1', 'gate-2'] as const satisfies readonly TopologyHost[];
/** What a request that a dropped connection cut short, or that was tried before the session was resumed, fails with. */
const DROPPED = new Set(['CLIENT_ERR_CONNECTION_LOST', 'CLIENT_ERR_NOT_OPEN', 'CLIENT_ERR_REQUEST_TIMEOUT']);
const unavailable = topologyUnavailable();
if (unavailable) console.warn(`cross-host tests not run: ${unavailable}`);

/** Progress lines the bots CLI has printed (one every 5 s with `--progress lines`). */
const progressLines = (bots: BotsRun): number => bots.output().split('\n').filter((line) => / connected, .* req\/s/.test(line)).length;

/** The items of purchases that failed (their outcome unknown to the player), by uid. */
function failedItems(lines: readonly LedgerLine[]): Map<string, string[]> {
  const byUid = new Map<string, string[]>();
  for (const l of lines) if (l.kind === 'fail' && l.item !== undefined) byUid.set(l.uid, [...(byUid.get(l.uid) ?? []), l.item]);
  return byUid;
}

describe.skipIf(unavailable !== undefined)('a cluster on separate hosts', () => {
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology({
      // Light password hashing: twenty logins at once on a loaded machine. Clients hear of a
      // silent gate after 4 s, and a gate's lease (30 s) outlives their move to the other gate.
      args: ['--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1', '--gate.heartbeatMs', '1000', '--gate.timeoutMs', '4000'],
      gateLeaseTtlSeconds: 30,
    });
  }, 360_000);

  afterAll(async () => {
    await topology?.down();
  }, 120_000);

  // Players of a test that failed part way stop before the next test starts its own.
  let playing: TopologyPlayers | undefined;
  afterEach(async () => {
    await playing?.stop().catch(() => undefined);
    playing = undefined;
  }, 120_000);
  const play = async (name: string): Promise<TopologyPlayers> => (playing = await startTopologyPlayers(topology, PLAYERS, join(topology.logDir, name), 120_000));

  /** Resolves once the services host sees all six servers; a timeout says how many it saw last. */
  const allInView = (what: string): Promise<true> =>
    waitUntil(what, async () => {
      const seen = await view();
      if (seen !== SERVERS) throw new Error(`the services host sees ${seen} servers`);
      return true;
    }, 60_000, 200);
  /** The servers the services host sees registered in etcd. */
  const view = async (): Promise<number> => {
    const res = await fetch(`${topology.loginUrl}/ready`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    return res ? ((await res.json()) as { load: { clusterServers: number } }).load.clusterServers : -1;
  };
  /** Of `hosts`, the one whose /health shows the most of `load`, with the count. */
  const busiest = async <H extends TopologyHost>(hosts: readonly H[], load: string): Promise<{ host: H; count: number }> => {
    const counts = await Promise.all(hosts.map(async (host) => (await topology.health(host))?.load[load] ?? 0));
    const most = Math.max(...counts);
    return { host: hosts[counts.indexOf(most)]!, count: most };
  };

  it('keeps every bot connected and every server in view while one etcd member is killed and brought back', async () => {
    const out = join(topology.logDir, 'bots-etcd-member');
    const bots = topology.runBots(ECHO, ['--bots', String(BOTS), '--ramp', '2s', '--duration', '40s', '--progress', 'lines', '--workers', '1', '--out', out]);
    await waitUntil('every bot connected', () => bots.output().includes(`${BOTS}/${BOTS} connected`), 120_000, 200);
    expect(await view()).toBe(SERVERS);

    const views: number[] = [];
    let stopped = false;
    const watching = (async () => {
      while (!stopped) {
        views.push(await view());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    // etcd-1 is first in every server's list of etcd hosts, the one their clients reach first.
    await topology.stop('etcd-1');
    const atKill = progressLines(bots);
    // Down for two progress lines of play (5 to 10 s): longer than the membership lease (2 s), renewed meanwhile through the others.
    await waitUntil('bots playing with etcd-1 down', () => progressLines(bots) >= atKill + 2, 60_000, 200);
    await topology.start('etcd-1');
    const atReturn = progressLines(bots);
    await waitUntil('bots playing with etcd-1 back', () => progressLines(bots) >= atReturn + 1, 60_000, 200);
    stopped = true;
    await watching;

    const { code, output } = await bots.done;
    expect(code, output).toBe(0);
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.totals.loginsOk).toBe(BOTS);
    expect(summary.totals.errors).toBe(0);
    expect(summary.checks['said goodbye']).toEqual({ pass: BOTS, fail: 0 });
    expect(views.length).toBeGreaterThan(0);
    expect(views.filter((n) => n !== SERVERS)).toEqual([]);
  }, 300_000);

  it('rebinds the players of a lobby host cut off for longer than the lease elsewhere, and fences it off the store when its link returns', async () => {
    const players = await play('players-lobby-cut');
    await players.acknowledged(2, 0, 60_000);
    const { host: victim, count: victims } = await busiest(LOBBIES, 'lobbySessions');
    expect(victims).toBeGreaterThan(0);
    const victimId = (await topology.health(victim))!.serverId;
    const takers = new Set(await Promise.all(LOBBIES.filter((l) => l !== victim).map(async (l) => (await topology.health(l))!.serverId)));
    const uids = [...new Set((await players.lines()).map((l) => l.uid))];
    const atCut = await readAvatars(topology.store, uids);
    const held = [...atCut].filter(([, a]) => a.claim?.owner === victimId && a.claim.exp > Date.now()).map(([uid]) => uid);
    expect(held.length).toBe(victims);

    const cutAt = Date.now();
    await topology.cut(victim);
    await waitUntil(`${victim} out of the view once its lease lapsed`, async () => (await view()) === SERVERS - 1, 60_000, 200);
    // Each of its players is rebound (told sys.rebound) and shown its bag by a purchase there.
    await waitUntil(`its ${victims} players rebound and shown their bags`, async () => {
      const lines = (await players.lines()).filter((l) => l.t >= cutAt);
      const seen = new Set(lines.filter((l) => l.kind === 'seen').map((l) => l.uid));
      return held.every((uid) => seen.has(uid));
    }, 120_000, 250);
    const restoredAt = Date.now();
    await topology.restore(victim);
    await allInView(`${victim} registered again`);
    // Back on the network, it finds its claims taken and lets go of what it held.
    await waitUntil(`${victim} holding no player`, async () => (await topology.health(victim))?.load.lobbySessions === 0, 60_000, 250);
    const settledAt = Date.now();
    await players.acknowledged(2, settledAt, 60_000);
    const after = await readAvatars(topology.store, held);
    const stoppedAt = Date.now();
    const { summary, lines } = await players.stop();

    const acknowledged = acknowledgedItems(lines);
    const stored = await readAvatars(topology.store, uids);
    const storedItems = new Map([...stored].map(([uid, a]) => [uid, a.items]));
    const failed = failedItems(lines);
    // What the store holds beyond what was acknowledged: only purchases whose answer never came.
    const unexplained = [...stored].flatMap(([uid, a]) => {
      const known = new Set([...(acknowledged.get(uid) ?? []), ...(failed.get(uid) ?? [])]);
      return a.items.filter((item) => !known.has(item)).map((item) => `${uid}: ${item}`);
    });
    const refused = await logEntries(join(topology.logDir, `${victim}.log`), 'entity ownership lost; its unsaved changes are dropped', restoredAt);
    const takersLost = (await Promise.all(LOBBIES.filter((l) => l !== victim).map((l) => logEntries(join(topology.logDir, `${l}.log`), 'entity ownership lost; its unsaved changes are dropped', cutAt)))).flat();
    const conflicts = (await Promise.all(LOBBIES.filter((l) => l !== victim).map((l) => logEntries(join(topology.logDir, `${l}.log`), 'entity save conflict: the document was written outside its claim', cutAt)))).flat();
    console.log(
      `lobby cut: ${victim} held ${victims} of ${PLAYERS} players; rebound elsewhere; when its link returned it tried to keep ${refused.length} claims, refused ` +
        `(${[...new Set(refused.map((e) => String(e.fields.reason)))].join('; ')}); failed requests ${JSON.stringify(failuresBetween(lines, cutAt, settledAt))}; logins ${summary.totals.loginsOk}/${PLAYERS}`,
    );

    // Its players' avatars are claimed by the lobbies that took them over, under a later epoch,
    // and their documents were last written under those claims.
    for (const uid of held) {
      const before = atCut.get(uid)!;
      const now = after.get(uid);
      expect(takers.has(now?.claim?.owner ?? ''), `${uid} claimed by ${now?.claim?.owner}`).toBe(true);
      expect(now!.claim!.epoch).toBeGreaterThan(before.claim!.epoch);
      expect(now!.claim!.exp).toBeGreaterThan(0);
      expect(now!.writtenUnder).toBe(now!.claim!.epoch);
    }
    // They hold the last acknowledged state: every acknowledged purchase, nothing else but purchases left unanswered.
    expect(missingItems(acknowledged, storedItems)).toEqual([]);
    expect(unexplained).toEqual([]);
    // The returned lobby tried to keep each avatar it held; each attempt was refused by the fence and
    // logged, and the new owners never met a stale write.
    expect(refused.map((entry) => entry.tags.ent).sort()).toEqual(held.map((uid) => `avatar-${uid}`).sort());
    for (const entry of refused) expect(String(entry.fields.reason)).toMatch(/no longer holds the claim|another owner claimed it|under epoch/);
    expect(takersLost).toEqual([]);
    expect(conflicts).toEqual([]);
    // Only its players' requests failed, and only while it was cut off (those it could not answer).
    for (const f of lines.filter((l) => l.kind === 'fail')) {
      expect(held, `${f.uid} ${f.route} ${f.code}`).toContain(f.uid);
      expect(f.t).toBeGreaterThanOrEqual(cutAt);
      expect(f.t).toBeLessThanOrEqual(restoredAt);
    }
    // Its players stayed connected throughout (the stale lobby's kicks of their sessions were ignored).
    expect(closedConnections(lines, stoppedAt)).toEqual([]);
    expect(summary.totals.loginsOk).toBe(PLAYERS);
  }, 420_000);

  it('has the players of a gate host cut off resume their sessions on the other gate, and lets the gate back without disturbing them', async () => {
    const players = await play('players-gate-cut');
    await players.acknowledged(2, 0, 60_000);
    const { host: victim, count: victims } = await busiest(GATES, 'gateSessions');
    expect(victims).toBeGreaterThan(0);
    const survivor = GATES.find((g) => g !== victim)!;
    const cutAt = Date.now();
    await topology.cut(victim);

    // Each dropped player answered again, on the session it had.
    const resumed = await waitUntil(`${victims} players resumed`, async () => {
      const lines = (await players.lines()).filter((l) => l.t >= cutAt);
      const drops = new Map<string, LedgerLine>();
      for (const l of lines) if (l.kind === 'closed' && !drops.has(l.uid)) drops.set(l.uid, l);
      const back = new Map<string, { t: number; same: boolean }>();
      for (const l of lines) {
        const drop = drops.get(l.uid);
        if (l.kind === 'resumed' && drop && l.t >= drop.t && !back.has(l.uid)) back.set(l.uid, { t: l.t, same: l.session === drop.session });
      }
      return drops.size >= victims && back.size >= drops.size && back;
    }, 120_000, 250);
    await waitUntil('every resumed player shown its bag', async () => {
      const seen = new Set((await players.lines()).filter((l) => l.kind === 'seen' && l.t >= cutAt).map((l) => l.uid));
      return [...resumed.keys()].every((uid) => seen.has(uid));
    }, 60_000, 250);
    const onSurvivor = (await topology.health(survivor))?.load.gateSessions;
    const restoredAt = Date.now();
    await topology.restore(victim);
    // Back on the network, it lets go of the sessions it was keeping for their clients' return
    // (they were resumed elsewhere), and the players play on undisturbed.
    await waitUntil(`${victim} holding no session`, async () => (await topology.health(victim))?.load.gateSessions === 0, 90_000, 250);
    // It registered again under a new lease, and the services host counts it again.
    await waitUntil('the services host seeing every server again', async () => (await view()) === SERVERS, 60_000, 250);
    await players.acknowledged(2, Date.now(), 60_000);
    const stoppedAt = Date.now();
    const { summary, lines } = await players.stop();

    const before = acknowledgedItems(lines.filter((l) => l.t < cutAt));
    const shown = new Map(lines.filter((l) => l.kind === 'seen' && l.t >= cutAt).map((l) => [l.uid, l.items ?? []]));
    const acknowledged = acknowledgedItems(lines);
    const stored = await readAvatars(topology.store, [...acknowledged.keys()]);
    const failures = lines.filter((l) => l.kind === 'fail');
    const times = [...resumed.values()].map((r) => r.t - cutAt).sort((a, b) => a - b);
    console.log(
      `gate cut: ${victim} held ${victims} of ${PLAYERS} players; they resumed on ${survivor} ${(times[0]! / 1_000).toFixed(1)}–${(times[times.length - 1]! / 1_000).toFixed(1)} s after the cut; ` +
        `failed requests ${JSON.stringify(failuresBetween(lines, 0, Number.MAX_SAFE_INTEGER))}; logins ${summary.totals.loginsOk}/${PLAYERS}`,
    );

    expect(resumed.size).toBe(victims);
    expect([...resumed.values()].every((r) => r.same)).toBe(true);
    expect(onSurvivor).toBe(PLAYERS);
    expect(missingItems(new Map([...before].filter(([uid]) => resumed.has(uid))), shown)).toEqual([]);
    expect(missingItems(acknowledged, new Map([...stored].map(([uid, a]) => [uid, a.items])))).toEqual([]);
    // Only the cut gate's players lost requests, only between the cut and their resume, and only
    // as a dropped connection must: the one in flight when it went silent (its answer cannot
    // come), and those tried before the session was back (never sent).
    for (const f of failures) {
      const back = resumed.get(f.uid);
      expect(back, `${f.uid} ${f.route} ${f.code}`).toBeDefined();
      expect(f.t).toBeGreaterThanOrEqual(cutAt);
      expect(f.t).toBeLessThanOrEqual(back!.t);
      expect(DROPPED.has(f.code ?? ''), `${f.route} ${f.code}`).toBe(true);
    }
    for (const uid of resumed.keys()) expect(failures.filter((f) => f.uid === uid && f.code !== 'CLIENT_ERR_NOT_OPEN').length).toBeLessThanOrEqual(1);
    // Nobody was dropped again once the gate came back.
    expect(closedConnections(lines.filter((l) => l.t >= restoredAt), stoppedAt)).toEqual([]);
    expect(summary.totals.loginsOk).toBe(PLAYERS);
  }, 420_000);
});
