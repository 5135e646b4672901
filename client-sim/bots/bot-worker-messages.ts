/**
 * What the runner's main thread and its bot workers say to each other. Plain data, cloned across
 * threads.
 */
import type { ClientTransportKind } from '../client-transport.js';
import type { NetworkProfile } from './network-profile.js';
import type { IntervalSnapshot } from './run-summary.js';

/** A worker's part of the run, as its `workerData`. */
export interface BotWorkerData {
  /** This worker's number, and how many there are. */
  worker: number;
  workers: number;
  /** The scenario module, an absolute path. */
  scenarioPath: string;
  /** Bots in the whole run; this worker plays those whose index modulo `workers` is `worker`. */
  bots: number;
  rampMs: number;
  loginUrl: string;
  transport: ClientTransportKind;
  /** This worker's share of the run's login rate. */
  loginRatePerSecond: number;
  seed: number;
  /** The bad networks bots play behind, by share (profileFor decides which bots). */
  networks: NetworkProfile[];
  runId: string;
  stopGraceMs: number;
}

/** Main thread to worker: `start` once all workers loaded the scenario (the run's start, epoch ms); `stop` at the end or on Ctrl-C. */
export type RunnerMessage = { kind: 'start'; startAt: number } | { kind: 'stop' };

/**
 * Worker to main thread: `ready` once the scenario loaded; `interval` once a second and at the end,
 * with the 99th percentile of the worker's event-loop delay over it (a busy worker delays its
 * bots' timers and replies, which then measure the bots rather than the server);
 * `log`, a bot's line for the person watching; `failed` when the scenario did not load or the
 * worker cannot go on; `done` after the last interval, when every bot logged out.
 */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'interval'; snapshot: IntervalSnapshot; loopDelayP99Ms: number }
  | { kind: 'log'; line: string }
  | { kind: 'failed'; message: string }
  | { kind: 'done' };
