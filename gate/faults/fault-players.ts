/**
 * Bots playing the fault suite's ledger scenario against a cluster, all along a fault: started
 * with {@link startFaultPlayers}, read while they play ({@link FaultPlayers.lines}), stopped at
 * the end with their run's summary. Their ledger is a file in a temporary folder.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBots } from '../../client-sim/bots/bot-runner.js';
import type { RunSummary } from '../../client-sim/bots/run-summary.js';
import { waitUntil } from '../fixtures/cluster-of-processes.js';
import { LEDGER_ENV, type LedgerLine } from './fixtures/ledger-scenario.js';

const SCENARIO = 'gate/faults/fixtures/ledger-scenario.ts';
/** Longer than any test: the run ends when the test stops it. */
const RUN_MS = 30 * 60_000;

/** Players at play. */
export interface FaultPlayers {
  /** Every line written so far, in order. */
  lines(): Promise<LedgerLine[]>;
  /** Resolves once each player has had `count` purchases acknowledged since `since` (Date.now()). */
  acknowledged(count: number, since: number, timeoutMs: number): Promise<void>;
  /** The uids of the players seen so far. */
  uids(): Promise<string[]>;
  /** Stops the run (the bots log out) and resolves with its summary and the whole ledger, which is then removed. */
  stop(): Promise<{ summary: RunSummary; lines: LedgerLine[] }>;
}

/**
 * Starts `bots` players against `loginUrl` (one worker thread) and resolves once each has had a
 * purchase acknowledged.
 * @throws Error when they are not all playing within `timeoutMs` (the run is stopped).
 */
export async function startFaultPlayers(loginUrl: string, bots: number, timeoutMs = 60_000): Promise<FaultPlayers> {
  const dir = await mkdtemp(join(tmpdir(), 'fault-ledger-'));
  const file = join(dir, 'ledger.jsonl');
  // Worker threads take a copy of the environment when they start.
  process.env[LEDGER_ENV] = file;
  const controller = new AbortController();
  const run = runBots({ scenarioPath: SCENARIO, bots, durationMs: RUN_MS, loginUrl, workers: 1, loginRatePerSecond: 20, progress: 'none', report: false, signal: controller.signal });
  // Seen by stop(); never an unhandled rejection meanwhile.
  run.catch(() => undefined);
  const lines = async (): Promise<LedgerLine[]> => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LedgerLine);
  };
  const players: FaultPlayers = {
    lines,
    uids: async () => [...new Set((await lines()).map((l) => l.uid))],
    acknowledged: async (count, since, waitMs) => {
      await waitUntil(`${bots} players with ${count} purchases acknowledged`, async () => {
        const acks = new Map<string, number>();
        for (const l of await lines()) if (l.kind === 'ack' && l.t >= since) acks.set(l.uid, (acks.get(l.uid) ?? 0) + 1);
        return acks.size >= bots && [...acks.values()].every((n) => n >= count);
      }, waitMs, 250);
    },
    stop: async () => {
      controller.abort();
      try {
        const { summary } = await run;
        return { summary, lines: await lines() };
      } finally {
        delete process.env[LEDGER_ENV];
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    await players.acknowledged(1, 0, timeoutMs);
  } catch (err) {
    await players.stop().catch(() => undefined);
    throw err;
  }
  return players;
}
