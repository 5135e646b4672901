/**
 * A soak: a standalone server started for the run (soak-server.ts), bots playing a scenario
 * against it for a long time (`runBots`), and the server sampled all along (server-sampler.ts).
 *
 * Timeline: the server starts and is sampled once idle (its handles and timers then are the
 * baseline); the bots ramp up and play for the duration; they stop and log out; the soak waits
 * until the server holds no session (at most `settleMs`, past the gate's resume grace) and then
 * 12 s more for the timers of its teardown to run out; the server is sampled a last time, with
 * its handles and timers; it stops. The verdict
 * (soak-verdict.ts) joins the run's own: the report has the memory plot and the figures at the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock, type Clock } from '../../../engine/timer/clock.js';
import type { ClientTransportKind } from '../../client-transport.js';
import { runBots } from '../bot-runner.js';
import { writeReport } from '../report/write-report.js';
import type { RunSummary } from '../run-summary.js';
import { connectInspector } from './inspector-client.js';
import { ServerSampler, type ServerSample } from './server-sampler.js';
import { formatSoakLine, type BotFigures, type SoakPhase } from './soak-line.js';
import { startSoakServer } from './soak-server.js';
import { soakVerdict } from './soak-verdict.js';

const SETTLE_MS = 40_000;
const INTERRUPTED_SETTLE_MS = 5_000;
const SETTLE_POLL_MS = 1_000;
// Once the sessions ended, the server's teardown timers run out (a closed socket's 2 s destroy,
// 10 s handshake and heartbeat timeouts) before its timers and handles are read.
const QUIET_MS = 12_000;
const INTERRUPTED_QUIET_MS = 2_000;

/** What {@link runSoak} runs. */
export interface SoakOptions {
  /** The steady part's length, after the ramp. */
  minutes: number;
  bots: number;
  /** The game the server runs (`--game`). */
  game: string;
  scenarioPath: string;
  /** Time between two samples of the server. */
  sampleMs: number;
  rampMs: number;
  transport?: ClientTransportKind;
  workers?: number;
  loginRatePerSecond?: number;
  seed?: number;
  /** Where the report goes (default `data/reports/soak-<scenario>-<YYYYMMDD-HHMMSS>`). */
  outDir?: string;
  /** Stops the run early (Ctrl-C): the soak still settles, judges what it has and writes its report. */
  signal?: AbortSignal;
  /**
   * Longest wait for the server's sessions to end once the bots left (default 40,000 ms: the
   * gate's 30 s resume grace and more); then 12 s more for its teardown timers to run out.
   */
  settleMs?: number;
  /** Where the progress lines go (default the console). */
  log?: (line: string) => void;
  clock?: Clock;
}

/** A soak's outcome: the run's summary with the server's memory and verdict, and the report's folder. */
export interface SoakResult {
  summary: RunSummary;
  folder: string;
}

/**
 * Runs a soak (see the module comment).
 * @throws Error when the server does not start, or BotError from the runner (bad scenario or options).
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const clock = options.clock ?? new SystemClock();
  const log = options.log ?? ((line: string) => console.log(line));
  const durationMs = Math.round(options.minutes * 60_000);
  const dir = await mkdtemp(join(tmpdir(), 'tessera-soak-'));
  const server = await startSoakServer({ game: options.game, dir, clock }).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const inspector = await connectInspector(server.inspector, { clock });
  let exitedWith: number | null | undefined;
  void server.exited.then((code) => (exitedWith = code));
  const startMs = clock.now();
  const sampler = new ServerSampler(server, inspector, clock, () => startMs);
  const samples: ServerSample[] = [];
  const rampS = options.rampMs / 1000;
  const totalS = rampS + durationMs / 1000;
  // When the bots' run started (its workers ready), from the first figures it reports: the run's
  // series count from then, and so do the soak's lines and, in the end, its memory series.
  let runStartMs: number | undefined;
  let stopped = false;
  let figures: BotFigures | undefined;
  let lastLive = { at: 0, errors: 0 };
  let timer: ReturnType<Clock['setTimer']> | undefined;
  let pending: Promise<ServerSample | undefined> | undefined;
  const sinceRun = (t: number): number => (runStartMs === undefined ? 0 : t - (runStartMs - startMs) / 1000);
  const phaseAt = (runT: number): SoakPhase => (stopped ? 'settling' : runStartMs === undefined ? 'starting' : runT < rampS ? 'ramp' : runT < totalS ? 'steady' : 'stopping');
  // One sample at a time: a tick that finds one still running joins it.
  const takeSample = (): Promise<ServerSample | undefined> =>
    (pending ??= sampler
      .sample()
      .then((sample) => {
        samples.push(sample);
        const t = sinceRun(sample.t);
        log(formatSoakLine({ ...sample, t }, { phase: phaseAt(t), totalS, bots: options.bots }, figures));
        return sample;
      })
      .catch((err: unknown) => {
        log(`soak: the server could not be sampled: ${(err as Error).message}`);
        return undefined;
      })
      .finally(() => (pending = undefined)));
  const tick = (): void => {
    void takeSample();
    timer = clock.setTimer(tick, options.sampleMs);
  };
  try {
    log(`soak: ${options.bots} bots of ${options.scenarioPath} against ${options.game} for ${options.minutes} min after a ${rampS} s ramp; a sample every ${options.sampleMs / 1000} s; server at ${server.login}`);
    const before = await sampler.resources();
    tick();
    const run = await runBots({
      scenarioPath: options.scenarioPath,
      bots: options.bots,
      durationMs,
      rampMs: options.rampMs,
      loginUrl: server.login,
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      ...(options.loginRatePerSecond ? { loginRatePerSecond: options.loginRatePerSecond } : {}),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.signal ? { signal: options.signal } : {}),
      progress: 'none',
      report: false,
      clock,
      onInterval: (aggregate, atMs) => {
        runStartMs ??= clock.now() - atMs;
        const live = aggregate.live();
        // Errors since the previous figures: the live view counts them since the start.
        const seconds = live.at - lastLive.at;
        figures = { connected: live.connected, rps: live.rps, errorsPerSecond: seconds > 0 ? (live.errors - lastLive.errors) / seconds : (figures?.errorsPerSecond ?? 0) };
        lastLive = { at: live.at, errors: live.errors };
      },
    });
    const stoppedAt = clock.now();
    stopped = true;
    figures = undefined;
    if (timer) clock.clearTimer(timer);
    await pending;
    // Interrupted: short waits only, the person is waiting for the report.
    const interrupted = options.signal?.aborted === true;
    const settleMs = interrupted ? Math.min(INTERRUPTED_SETTLE_MS, options.settleMs ?? SETTLE_MS) : (options.settleMs ?? SETTLE_MS);
    await settle(sampler, clock, settleMs);
    await new Promise<void>((resolve) => clock.setTimer(resolve, interrupted ? INTERRUPTED_QUIET_MS : QUIET_MS));
    const last = await takeSample();
    const after = await sampler.resources().catch((err: unknown) => ({ error: (err as Error).message }));
    const runStart = runStartMs ?? stoppedAt;
    const byRun = samples.map((sample) => ({ ...sample, t: sample.t - (runStart - startMs) / 1000 }));
    const window = { warmupEndS: rampS + durationMs / 5 / 1000, steadyEndS: Math.min((stoppedAt - runStart) / 1000, totalS) };
    const verdict = soakVerdict(byRun, window, { sessions: last?.gateSessions ?? last?.lobbySessions, before, after, ...(exitedWith === undefined ? {} : { exitedWith }) });
    const problems = server.problems();
    const summary: RunSummary = {
      ...run.summary,
      memory: verdict.memory,
      failures: [...run.summary.failures, ...verdict.failures],
      passed: run.summary.passed && verdict.failures.length === 0,
      samples: [...run.summary.samples, `server logged ${problems.warnings} warnings and ${problems.errors} errors`, ...problems.first],
    };
    const folder = options.outDir ?? join('data', 'reports', `soak-${safeName(summary.scenario.name)}-${stamp(new Date(startMs))}`);
    await writeReport(folder, summary);
    for (const line of verdict.memory.verdict.split('\n')) log(`soak: ${line}`);
    return { summary, folder };
  } finally {
    if (timer) clock.clearTimer(timer);
    await pending;
    inspector.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Polls the server's sessions once a second until none is left, or `limitMs` passed.
async function settle(sampler: ServerSampler, clock: Clock, limitMs: number): Promise<void> {
  const until = clock.now() + limitMs;
  for (;;) {
    const sample = await sampler.sample().catch(() => undefined);
    if ((sample?.gateSessions ?? sample?.lobbySessions) === 0 || clock.now() >= until) return;
    await new Promise<void>((resolve) => clock.setTimer(resolve, SETTLE_POLL_MS));
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'scenario';
}

// YYYYMMDD-HHMMSS in local time, as the report folder's suffix.
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
