/**
 * A bot run: {@link runBots} plays a scenario with many bots against a server, spread over worker
 * threads so that every core plays (bot-worker.ts, bot-swarm.ts), and judges it.
 *
 * Timeline: the workers load the scenario; the run starts when all are ready; bots start spread
 * evenly over the ramp, never faster than the login rate (a token bucket per worker, each with its
 * share); after the ramp the steady part lasts `durationMs`; then the run stops: bots finish their
 * iteration, run their teardown and log out within `stopGraceMs` (whatever is still open then is
 * closed), the workers send their last measurements and end. `signal` (Ctrl-C in the CLI) stops it
 * the same way earlier, and the summary says `interrupted`. Nothing is left running afterwards.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SystemClock, type Clock, type ClockTimer } from '../../engine/timer/clock.js';
import { checkLoginUrl } from '../client-inputs.js';
import type { ClientTransportKind } from '../client-transport.js';
import { createBotNetworks } from './bot-networks.js';
import type { BotWorkerData, RunnerMessage, WorkerMessage } from './bot-worker-messages.js';
import { BotError } from './errors.js';
import { loadScenario } from './load-scenario.js';
import type { NetworkProfile } from './network-profile.js';
import { BUSY_WORKER_MS, ProgressDisplay, type ProgressMode, type ProgressOutput } from './progress-display.js';
import { writeReport } from './report/write-report.js';
import { RunAggregate } from './run-aggregate.js';
import type { RunSummary } from './run-summary.js';
import { isTypeScript, siblingModule, startWorkerThread } from './worker-thread.js';

/** What {@link runBots} runs. */
export interface BotRunOptions {
  /** The scenario module, relative to `cwd` unless absolute. */
  scenarioPath: string;
  /** Bots in the run, 1 to 1,000,000. */
  bots: number;
  /** The steady part, after the ramp, in ms. */
  durationMs: number;
  /** Bots start spread over this long (default 0: as fast as the login rate allows). */
  rampMs?: number;
  /** The login service's base URL, e.g. http://127.0.0.1:8080. */
  loginUrl: string;
  /** Default: the scenario's, else tcp. */
  transport?: ClientTransportKind;
  /** Worker threads (default: one per 250 bots, at most one per core). */
  workers?: number;
  /** Logins per second for the whole run (default 50). */
  loginRatePerSecond?: number;
  /** Bad networks some bots play behind, each for its share of the bots (network-profile.ts); the rest play on a clean one. */
  networks?: NetworkProfile[];
  /** Seeds the bots' random numbers and which bots get which network (default: a random one, written in the summary). */
  seed?: number;
  /** How long bots have to finish and log out once the run stops (default 5,000 ms). */
  stopGraceMs?: number;
  /** The live display (default: `tty` on a terminal, else `lines`). */
  progress?: ProgressMode;
  /** Where the display writes (default process.stdout). */
  output?: ProgressOutput;
  /** Write the report folder (default true). */
  report?: boolean;
  /** The report folder (default data/reports/<scenario name>-<YYYYMMDD-HHMMSS> under `cwd`). */
  outDir?: string;
  /** Stops the run early; its summary then says `interrupted`. */
  signal?: AbortSignal;
  /** Called about once a second while the run goes on, with the figures so far and the ms since the start. */
  onInterval?: (aggregate: RunAggregate, atMs: number) => void;
  /** The folder relative paths start from (default the process's). */
  cwd?: string;
  /** The main thread's time and timers (default a SystemClock); the workers use real time. */
  clock?: Clock;
}

/** What a run gives back. */
export interface BotRunResult {
  summary: RunSummary;
  /** The report folder, when one was written. */
  folder?: string;
  /**
   * Per worker, the worst second's 99th percentile of its event-loop delay, in ms. Past
   * `BUSY_WORKER_MS` (100 ms) the workers were too busy to time the server fairly: add cores or
   * machines of bots before reading the latencies as the server's.
   */
  workerLoopDelayMs: number[];
}


/** Bots a worker thread plays at most when the number of workers is not given. */
export const BOTS_PER_WORKER = 250;
const MAX_BOTS = 1_000_000;
const MAX_WORKERS = 256;
/** After the stop grace, a worker has this long more to end before it is terminated. */
const WORKER_EXIT_MARGIN_MS = 5_000;
/**
 * A worker that said `done` (its bots logged out, its figures sent) and has not ended this long
 * after is terminated: what keeps it is a login still on its way (a connect or a handshake
 * waiting for its own timeout), which the run no longer needs.
 */
const AFTER_DONE_MS = 1_000;
const DEFAULT_LOGIN_RATE = 50;
const DEFAULT_STOP_GRACE_MS = 5_000;

function optionsError(detail: string): BotError {
  return new BotError('BOT_ERR_OPTIONS', detail);
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw optionsError(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  return value;
}

function checkMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw optionsError(`${name} must be a finite number of ms >= 0, not ${value}`);
  return value;
}

/** The options with their defaults, checked. */
function settle(options: BotRunOptions) {
  const bots = checkInteger('bots', options.bots, 1, MAX_BOTS);
  const workers = checkInteger('workers', options.workers ?? Math.min(availableParallelism(), Math.ceil(bots / BOTS_PER_WORKER)), 1, Math.min(MAX_WORKERS, bots));
  const loginRatePerSecond = options.loginRatePerSecond ?? DEFAULT_LOGIN_RATE;
  if (!(loginRatePerSecond > 0) || !Number.isFinite(loginRatePerSecond)) throw optionsError(`loginRatePerSecond must be a finite number above 0, not ${loginRatePerSecond}`);
  if (options.transport !== undefined && !['tcp', 'ws', 'kcp'].includes(options.transport)) throw optionsError(`transport must be tcp, ws or kcp, not ${String(options.transport)}`);
  try {
    checkLoginUrl(options.loginUrl);
  } catch (err) {
    throw optionsError(`loginUrl ${JSON.stringify(options.loginUrl)} is not an http(s) URL: ${(err as Error).message}`);
  }
  const seed = checkInteger('seed', options.seed ?? Math.floor(Math.random() * 2 ** 32), 0, 0xffff_ffff);
  const networks = options.networks ?? [];
  // Checks the shares; the workers make their own.
  const { descriptions } = createBotNetworks(networks, { seed });
  return {
    bots,
    workers,
    networks,
    networkDescriptions: descriptions,
    seed,
    loginRatePerSecond,
    durationMs: checkMs('durationMs', options.durationMs),
    rampMs: checkMs('rampMs', options.rampMs ?? 0),
    stopGraceMs: checkMs('stopGraceMs', options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS),
    cwd: options.cwd ?? process.cwd(),
  };
}

/** `name` as a file name: lower case, letters, digits, `.`, `_` and `-`. */
function fileName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

/** `date` as YYYYMMDD-HHMMSS in UTC. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** One worker thread and what the runner knows of it. */
interface RunnerWorker {
  thread: Worker;
  ready: boolean;
  exited: Promise<void>;
  killTimer?: ClockTimer;
}

/**
 * Plays `options.scenarioPath` with `options.bots` bots against `options.loginUrl`, shows the run
 * live, writes its report (unless `report: false`) and resolves with its summary.
 * @throws BotError BOT_ERR_OPTIONS for an option out of range, BOT_ERR_SCENARIO when the scenario
 *   does not load (in this thread or a worker); an Error when the report cannot be written.
 */
export async function runBots(options: BotRunOptions): Promise<BotRunResult> {
  const settled = settle(options);
  const { bots, workers: workerCount, rampMs, durationMs, stopGraceMs, seed, networks, networkDescriptions, cwd } = settled;
  const scenarioPath = resolve(cwd, options.scenarioPath);
  const scenario = await loadScenario(scenarioPath);
  const transport = options.transport ?? scenario.transport ?? 'tcp';
  const clock = options.clock ?? new SystemClock();
  const aggregate = new RunAggregate();
  const runId = (Date.now() % 36 ** 5).toString(36).padStart(5, '0') + Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0');
  const entry = siblingModule('bot-worker', import.meta.url);
  const typescript = isTypeScript(scenarioPath);

  let startAt: number | undefined;
  let stopping = false;
  let ended: RunSummary['ended'] = 'completed';
  const problems: string[] = [];
  const loopDelayMs = new Array<number>(workerCount).fill(0);
  // Each worker's delay over its last interval, for the display.
  const lastDelayMs = new Array<number | undefined>(workerCount).fill(undefined);
  const display = new ProgressDisplay({
    mode: options.progress ?? (process.stdout.isTTY ? 'tty' : 'lines'),
    out: options.output ?? process.stdout,
    clock,
    view: () => ({
      scenario: scenario.name,
      bots,
      rampMs,
      durationMs,
      elapsedMs: startAt === undefined ? 0 : clock.now() - startAt,
      stopping,
      live: aggregate.live(),
      ...(lastDelayMs.some((ms) => ms !== undefined) ? { workerDelayMs: Math.max(...lastDelayMs.map((ms) => ms ?? 0)) } : {}),
    }),
  });

  let allReady!: () => void;
  let bootFailed!: (err: Error) => void;
  const booted = new Promise<void>((resolve, reject) => ((allReady = resolve), (bootFailed = reject)));
  // Workers that end before they were ready reject it even when the run stopped first; that is no failure then.
  booted.catch(() => undefined);
  const workers: RunnerWorker[] = [];
  const post = (w: RunnerWorker, message: RunnerMessage): void => w.thread.postMessage(message);

  const stop = (why: RunSummary['ended'], problem?: string): void => {
    if (problem !== undefined) problems.push(problem);
    if (stopping) return;
    stopping = true;
    ended = why;
    for (const [i, w] of workers.entries()) {
      post(w, { kind: 'stop' });
      w.killTimer = clock.setTimer(() => {
        problems.push(`worker ${i} did not end within ${stopGraceMs + WORKER_EXIT_MARGIN_MS} ms of the stop and was terminated`);
        void w.thread.terminate();
      }, stopGraceMs + WORKER_EXIT_MARGIN_MS);
    }
  };
  let wakeBoot!: () => void;
  const aborted = new Promise<void>((resolve) => (wakeBoot = resolve));
  const onAbort = (): void => {
    stop('interrupted');
    wakeBoot();
  };

  for (let worker = 0; worker < workerCount; worker++) {
    const data: BotWorkerData = {
      worker,
      workers: workerCount,
      scenarioPath,
      bots,
      rampMs,
      loginUrl: options.loginUrl,
      transport,
      loginRatePerSecond: settled.loginRatePerSecond / workerCount,
      seed,
      networks,
      runId,
      stopGraceMs,
    };
    const thread = startWorkerThread(entry, data, { typescript });
    const w: RunnerWorker = { thread, ready: false, exited: new Promise((resolve) => thread.once('exit', () => resolve())) };
    workers.push(w);
    thread.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'ready':
          w.ready = true;
          if (workers.length === workerCount && workers.every((x) => x.ready)) allReady();
          return;
        case 'interval':
          aggregate.add(message.snapshot);
          loopDelayMs[worker] = Math.max(loopDelayMs[worker]!, message.loopDelayP99Ms);
          lastDelayMs[worker] = message.loopDelayP99Ms;
          return;
        case 'log':
          display.print(message.line);
          return;
        case 'failed':
          if (startAt === undefined) bootFailed(new BotError('BOT_ERR_SCENARIO', `worker ${worker}: ${message.message}`));
          else stop('failed', `worker ${worker} failed: ${message.message}`);
          return;
        case 'done':
          if (w.killTimer) clock.clearTimer(w.killTimer);
          w.killTimer = clock.setTimer(() => void w.thread.terminate(), AFTER_DONE_MS);
          return;
      }
    });
    thread.on('error', (err) => {
      if (startAt === undefined) bootFailed(new BotError('BOT_ERR_SCENARIO', `worker ${worker} failed to start: ${err.message}`, { cause: err }));
      else stop('failed', `worker ${worker} crashed: ${err.stack ?? err.message}`);
    });
    thread.once('exit', (code) => {
      if (w.killTimer) clock.clearTimer(w.killTimer);
      if (startAt === undefined) bootFailed(new BotError('BOT_ERR_SCENARIO', `worker ${worker} ended (exit code ${code}) before it was ready`));
      else if (!stopping) stop('failed', `worker ${worker} ended (exit code ${code}) before the run did`);
    });
  }

  const ended$ = Promise.all(workers.map((w) => w.exited));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let endTimer: ClockTimer | undefined;
  let tickTimer: ClockTimer | undefined;
  try {
    // Ctrl-C while the workers load: they stop before they start.
    if (options.signal?.aborted) onAbort();
    await Promise.race([booted, aborted]).catch(async (err: unknown) => {
      for (const w of workers) void w.thread.terminate();
      await ended$;
      throw err;
    });
    const startedAt = new Date();
    if (!stopping) {
      startAt = clock.now();
      for (const w of workers) post(w, { kind: 'start', startAt });
      endTimer = clock.setTimer(() => stop('completed'), rampMs + durationMs);
      const tick = (): void => {
        options.onInterval?.(aggregate, clock.now() - startAt!);
        tickTimer = clock.setTimer(tick, 1_000);
      };
      tickTimer = clock.setTimer(tick, 1_000);
      display.start();
    }
    await ended$;
    const endedAt = new Date();
    display.stop();
    const summary = aggregate.summarize({
      scenario: { name: scenario.name, ...(scenario.description === undefined ? {} : { description: scenario.description }), path: scenarioPath },
      options: {
        bots,
        rampMs,
        durationMs,
        transport,
        login: options.loginUrl,
        workers: workerCount,
        loginRatePerSecond: settled.loginRatePerSecond,
        networks: networkDescriptions,
        seed,
      },
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      ended,
      objectives: scenario.objectives ?? [],
    });
    if (problems.length > 0) {
      summary.failures.push(...problems);
      summary.passed = false;
    }
    const workerLoopDelayMs = loopDelayMs.map((ms) => Math.round(ms * 10) / 10);
    if (workerLoopDelayMs.some((ms) => ms > BUSY_WORKER_MS)) {
      summary.samples.unshift(
        `bot workers were busy (worst p99 event-loop delay ${workerLoopDelayMs.join(', ')} ms, over ${BUSY_WORKER_MS} ms): latencies include the bots' own delay; add cores or machines of bots`,
      );
    }
    if (options.report === false) return { summary, workerLoopDelayMs };
    const folder = resolve(cwd, options.outDir ?? join('data', 'reports', `${fileName(scenario.name)}-${stamp(startedAt)}`));
    await writeReport(folder, summary);
    return { summary, folder, workerLoopDelayMs };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (endTimer) clock.clearTimer(endTimer);
    if (tickTimer) clock.clearTimer(tickTimer);
    display.stop();
  }
}
