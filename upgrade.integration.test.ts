/**
 * The proof under load that a cluster takes new code while players keep playing: real processes
 * (a services process, two gates, three lobbies on the harness's etcd, Redis and FerretDB) run a
 * copy of the arena (fixtures/upgrade/arena-copy.ts), and bots play its field and its 2v2 matches over TCP, WebSocket
 * and KCP at once for the whole test (fixtures/upgrade/proof-scenario.ts), journalling every
 * request and every kill a reply acknowledged. The test goes through its phases while they play;
 * each lasts until every transport's bots made a few kills in it. At the end: no failed request
 * (refusals that come with playing are answers), no session lost (a dropped connection the SDK
 * resumed is no loss), every check of the bots passed, and every acknowledged kill and its
 * experience in the store. The bots' reports and each phase's request latency p99 are printed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BotRunResult } from './client-sim/bots/bot-runner.js';
import { summaryLines } from './client-sim/bots/summary-lines.js';
import { login, register } from './client-sim/login.js';
import { copyArena, type ArenaCopy } from './fixtures/upgrade/arena-copy.js';
import { startBotFleet, TRANSPORTS, type BotFleet } from './fixtures/upgrade/bot-fleet.js';
import { acknowledgedByUid, connectionFigures, failedRequests, killsSince, phaseFigures, type Phase } from './fixtures/upgrade/proof-figures.js';
import { readJournal } from './fixtures/upgrade/proof-journal.js';
import { PLAY_REFUSALS, QUEUE_REFUSALS } from './fixtures/upgrade/proof-scenario.js';
import { startProcessCluster, waitUntil, type ProcessCluster } from './gate/fixtures/cluster-of-processes.js';
import { rollCluster, type RollStep } from './scripts/upgrade/roll-cluster.js';

const BOTS_PER_TRANSPORT = 8;
const BOTS = BOTS_PER_TRANSPORT * TRANSPORTS.length;
const SCENARIO = fileURLToPath(new URL('./fixtures/upgrade/proof-scenario.ts', import.meta.url));
/** The admin API's key, for the steps that go through it. */
const API_KEY = 'upgrade-proof-operations-key-0123456789';
/** Kills each transport's bots make in a phase before it ends: enough requests for its percentile. */
const KILLS_PER_PHASE = 10;
/** What a kill gives in the new code (the arena's gives 10). */
const RELOADED_XP = 20;
/** A phase's kills come within this, on a loaded two-core machine. */
const PHASE_TIMEOUT_MS = 120_000;
/** Codes a bot may count without a fault: refusals that come with playing, and a drop the SDK resumes. */
const ALLOWED_CODES = new Set([...PLAY_REFUSALS, ...QUEUE_REFUSALS, 'CLIENT_ERR_CONNECTION_LOST']);
/** The test stops the bot runs itself, which their summaries count as an interruption, not a failure of the run. */
const INTERRUPTED = 'the run was interrupted';

/** A hero as the lobbies save it: `{ type, components: { Experience: { xp, kills, deaths } } }`. */
interface HeroDocument {
  _id: string;
  components?: { Experience?: { xp?: number; kills?: number } };
}

describe('a cluster under load', () => {
  let arena: ArenaCopy;
  let cluster: ProcessCluster;
  let dir: string;
  let journal: string;
  let fleet: BotFleet | undefined;

  beforeAll(async () => {
    arena = await copyArena('upgrade-proof');
    dir = await mkdtemp(join(tmpdir(), 'upgrade-proof-'));
    journal = join(dir, 'journal.jsonl');
    cluster = await startProcessCluster({
      name: `upgrade-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 2,
      lobbies: 3,
      // A process that exits is started again in its place, from the copy's files as they are then.
      supervise: true,
      extraArgs: [
        '--game', arena.dir,
        // Production hashing and the per-address limits would hold the bots' registrations back.
        '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1',
        '--login.rateLimit.exempt', '127.0.0.1',
        '--admin.apiKeys.ops', API_KEY,
      ],
    });
    await register(cluster.loginUrl, 'probe', 'probe-password');
    await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'probe', 'probe-password'), 30_000, 200);
  }, 240_000);

  afterAll(async () => {
    await fleet?.stop().catch(() => undefined);
    await cluster?.stop();
    await arena?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('reloads every lobby live and rolls every server while bots play over every transport: no failed request, no lost session, every acknowledged kill stored', async () => {
    const phases: Phase[] = [];
    const bots = startBotFleet({ scenarioPath: SCENARIO, loginUrl: cluster.loginUrl, botsPerTransport: BOTS_PER_TRANSPORT, rampMs: 6_000, journal, seed: 19 });
    fleet = bots;
    const playing = (): void => {
      const failure = bots.failure();
      if (failure) throw failure;
    };
    await waitUntil(`all ${BOTS} bots connected`, () => (playing(), bots.connected() === BOTS), 90_000, 250);

    /** Runs `step` while the bots play, then lets them play on until each transport's bots made their kills after it. */
    const playPhase = async (name: string, step?: () => Promise<void>): Promise<void> => {
      const from = Date.now();
      await step?.();
      const stepped = Date.now();
      await waitUntil(
        `${KILLS_PER_PHASE} kills per transport in phase ${name}`,
        async () => {
          playing();
          const kills = killsSince(await readJournal(journal), stepped);
          return TRANSPORTS.every((t) => kills.filter((k) => k.transport === t).length >= KILLS_PER_PHASE);
        },
        PHASE_TIMEOUT_MS,
        500,
      );
      phases.push({ name, from, to: Date.now() });
    };

    await playPhase('before');

    // A live reload: the copy's Target.takeHit now gives RELOADED_XP a kill, and every lobby takes it at once.
    let reloadedAt = 0;
    await playPhase('reload', async () => {
      await arena.setKillExperience(RELOADED_XP);
      const res = await fetch(`${cluster.loginUrl}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` } });
      const answer = (await res.json()) as { ok: boolean; lobbies: Array<{ id: string; report?: { generation: number } }> };
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      expect(answer.lobbies.map((lobby) => lobby.report?.generation), JSON.stringify(answer)).toEqual([1, 1, 1]);
      reloadedAt = Date.now();
    });
    // Every kill whose attack started after the lobbies answered gave the new experience, on every transport.
    const reloaded = killsSince(await readJournal(journal), reloadedAt);
    expect(reloaded.filter((kill) => kill.xp !== RELOADED_XP)).toEqual([]);
    for (const t of TRANSPORTS) expect(reloaded.filter((kill) => kill.transport === t).length, t).toBeGreaterThanOrEqual(KILLS_PER_PHASE);

    // A rolling upgrade: each server drained in turn (lobbies, gates, services) and replaced by the supervisor.
    let steps: RollStep[] = [];
    await playPhase('roll', async () => {
      steps = await rollCluster({ admin: cluster.loginUrl, apiKey: API_KEY, log: (line) => console.log(`roll: ${line}`) });
    });
    expect(steps.map((step) => step.role)).toEqual(['lobby', 'lobby', 'lobby', 'gate', 'gate', 'services']);
    await playPhase('after');

    fleet = undefined;
    const results = await bots.stop();
    const entries = await readJournal(journal);
    report(results, phaseFigures(entries, phases));

    expect(failedRequests(entries)).toEqual([]);
    for (const { summary } of results) {
      const { transport } = summary.options;
      expect(connectionFigures(summary), transport).toMatchObject({ bots: BOTS_PER_TRANSPORT, unresumed: 0 });
      expect(summary.failures.filter((f) => f !== INTERRUPTED), transport).toEqual([]);
      expect(Object.keys(summary.errors).filter((code) => !ALLOWED_CODES.has(code)), transport).toEqual([]);
      expect(summary.routes['Controls.attack']?.count, transport).toBeGreaterThan(0);
    }

    // Every kill a reply acknowledged is saved, with its experience: the bots logged out, and their lobbies save on logout.
    const acknowledged = acknowledgedByUid(entries);
    expect(acknowledged.size).toBeGreaterThan(0);
    const mongo = new MongoClient(inject('mongoUrl'), { serverSelectionTimeoutMS: 5_000 });
    let missing: string[] = [];
    try {
      const heroes = mongo.db(cluster.database).collection<HeroDocument>('Hero');
      await waitUntil(
        'every acknowledged kill in the store',
        async () => {
          const docs = await heroes.find({ _id: { $in: [...acknowledged.keys()].map((uid) => `avatar-${uid}`) } }).toArray();
          const stored = new Map(docs.map((doc) => [doc._id, doc.components?.Experience]));
          missing = [...acknowledged].flatMap(([uid, ack]) => {
            const saved = stored.get(`avatar-${uid}`);
            return (saved?.kills ?? 0) >= ack.kills && (saved?.xp ?? 0) >= ack.xp ? [] : [`${uid}: acknowledged ${JSON.stringify(ack)}, stored ${JSON.stringify(saved)}`];
          });
          return missing.length === 0;
        },
        30_000,
        500,
      ).catch(() => undefined);
    } finally {
      await mongo.close();
    }
    expect(missing).toEqual([]);
  }, 600_000);
});

/** Prints each transport's bot report, its connections, and the request latency p99 of each phase. */
function report(results: readonly BotRunResult[], phases: ReturnType<typeof phaseFigures>): void {
  const lines: string[] = [];
  for (const { summary } of results) {
    const c = connectionFigures(summary);
    lines.push(
      `--- ${c.transport}: ${c.bots} bots, ${c.disconnects} connections dropped (${c.resumed} resumed), ${c.unresumed} sessions lost (logged in again)`,
      // The first line says the run was stopped from outside (by the test), as its failures do.
      ...summaryLines(summary).slice(1).filter((line) => line !== `failure: ${INTERRUPTED}`),
    );
  }
  for (const p of phases) lines.push(`phase ${p.name}: ${p.requests} requests, ${p.failed} failed, p99 ${p.p99.toFixed(1)} ms, refusals of play ${JSON.stringify(p.refused)}`);
  console.log(lines.join('\n'));
}
