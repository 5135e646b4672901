/**
 * The event-loop watchdog of a server process: a worker thread (watchdog-worker.ts) that ends
 * the process when its main event loop stands still for longer than `stallMs` — a native
 * deadlock, an endless loop, a runaway garbage collection. The main thread's only part is a
 * heartbeat: a timer that advances a counter in shared memory with `Atomics.add`. The worker
 * logs a JSON line to stderr (and to `reportFile`), then sends the process SIGKILL, so that a
 * supervisor restarts it and the cluster, once its lease lapses, routes around it.
 *
 * Added to a process's lifecycle first, so that it watches every other module's start and stop.
 */
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import type { Module } from './lifecycle.js';
import { HEARTBEAT_BYTES, heartbeatViews, type HeartbeatViews, type WatchdogServerIdMessage, type WatchdogWorkerData } from './watchdog-shared.js';

/** The longest gap between heartbeats, and between the worker's readings. */
const MAX_BEAT_MS = 1_000;

// Beside this file: .ts when run from source (tsx, vitest), .js when compiled into dist/.
const WORKER_URL = new URL(`./watchdog-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

/** Options for {@link Watchdog}. */
export interface WatchdogOptions {
  /** End the process when its event loop has not run for this long, in milliseconds. */
  stallMs: number;
  /** The process's role, for the report. */
  role: string;
  /** The server id, for the report; {@link Watchdog.setServerId} changes it. */
  serverId: string;
  /** A file the stall report is appended to besides stderr (e.g. in the log directory). */
  reportFile?: string;
  clock: Clock;
  logger: Logger;
}

/** Starts the worker on the source when run under tsx, whose loader a worker does not inherit. */
function startWorker(workerData: WatchdogWorkerData): Worker {
  if (WORKER_URL.pathname.endsWith('.ts')) {
    // Resolved here: eval'd code would resolve the package from the working directory instead.
    const tsx = import.meta.resolve('tsx/esm/api');
    const load = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    return new Worker(load, { eval: true, workerData });
  }
  return new Worker(WORKER_URL, { workerData });
}

/** The watchdog, as a lifecycle module. */
export class Watchdog implements Module {
  readonly name = 'watchdog';
  private readonly memory = new SharedArrayBuffer(HEARTBEAT_BYTES);
  private readonly views: HeartbeatViews = heartbeatViews(this.memory);
  private readonly beatMs: number;
  private worker: Worker | undefined;
  private timer: ClockTimer | undefined;
  private serverId: string;

  /** @throws RangeError when `stallMs` is not positive. */
  constructor(private readonly options: WatchdogOptions) {
    if (!(options.stallMs > 0)) throw new RangeError(`watchdog stallMs must be positive, got ${options.stallMs}`);
    // Several beats and readings per limit: a stall is seen within a quarter of the limit of its length.
    this.beatMs = Math.min(MAX_BEAT_MS, options.stallMs / 4);
    this.serverId = options.serverId;
  }

  /** Whether the worker thread is watching. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** The id the report names, once discovery has assigned the final one. */
  setServerId(serverId: string): void {
    this.serverId = serverId;
    this.worker?.postMessage({ serverId } satisfies WatchdogServerIdMessage);
  }

  /**
   * Starts the worker and the heartbeat; resolves once the worker watches.
   * @throws the worker's error when it cannot start.
   */
  async start(): Promise<void> {
    const { stallMs, role, reportFile } = this.options;
    const worker = startWorker({ memory: this.memory, stallMs, checkMs: this.beatMs, role, serverId: this.serverId, ...(reportFile ? { reportFile } : {}) });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`watchdog worker exited with ${code} while starting`)));
    });
    worker.removeAllListeners();
    this.beat();
    // The worker never keeps the process alive: the process ends when its own work does.
    worker.unref();
    worker.once('error', (err) => this.options.logger.error('watchdog worker failed; the event loop is no longer watched', { err }));
    worker.once('exit', () => (this.worker = undefined));
    this.worker = worker;
    this.options.logger.info('watchdog started', { stallMs, beatMs: this.beatMs });
  }

  /** Stops the heartbeat and the worker. */
  async stop(): Promise<void> {
    if (this.timer) this.options.clock.clearTimer(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  // One beat: the counter and what the report says about the main thread. A few microseconds.
  private readonly beat = (): void => {
    const heap = getHeapStatistics();
    const { state, beats } = this.views;
    state[0] = this.options.clock.now();
    state[1] = heap.used_heap_size;
    state[2] = heap.total_heap_size;
    Atomics.add(beats, 0, 1);
    this.timer = this.options.clock.setTimer(this.beat, this.beatMs);
  };
}
