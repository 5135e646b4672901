/**
 * Runs one fuzz target in a worker thread for a given time, with a watchdog: an input that takes
 * longer than `hangMs` is a hang, a worker that runs out of its V8 heap (resource limits) or dies
 * is a failure too; in each case the input it was on is regenerated from the seed in a fresh worker
 * and saved, as is the (shrunk) input of an ordinary failure, under bench/fuzz-failures/.
 */
import { Worker } from 'node:worker_threads';
import { fromFuzzJson, type FuzzJson } from '../../engine/testing/fuzz/fuzz-json.js';
import { saveFailure } from '../../engine/testing/fuzz/saved-failures.js';
import { SHARED_BYTES, sharedCounters, type WorkerReport, type WorkerTask } from './worker-protocol.js';

const WORKER = new URL('./fuzz-worker.mjs', import.meta.url);

/** A target found in a module. */
export interface TargetEntry {
  name: string;
  description: string;
  moduleUrl: string;
  exportName: string;
}

/** Limits and time of one target's run. */
export interface FuzzLimits {
  /** Time to search (the worker's start and any shrinking come on top). */
  seconds: number;
  /** fast-check seed. */
  seed: number;
  /** One input taking longer than this is a hang (default 2,000 ms). */
  hangMs?: number;
  /** The worker's V8 heap, and the memory outside it one input may leave held (default 256 MiB each). */
  maxHeapMb?: number;
  /** Where failures are saved (default bench/fuzz-failures/). */
  failuresDir?: string;
}

/** How a failure showed. */
export type FailureKind = 'error' | 'hang' | 'heap' | 'crash';

/** What one target's run found. */
export interface TargetResult {
  name: string;
  description: string;
  seed: number;
  /** Inputs checked (shrinking not counted). */
  runs: number;
  seconds: number;
  inputsPerSecond: number;
  /** Largest V8 heap in use plus memory held outside it, sampled after each input. */
  heapMaxBytes: number;
  failure?: {
    kind: FailureKind;
    error: string;
    /** Whether the saved input was shrunk (hangs, heap overflows and crashes are saved as found). */
    shrunk: boolean;
    /** Whether the saved input failed again when read back (false: the failure depends on more than the input). */
    reproduces?: boolean;
    /** The failure file, when there was an input to save. */
    file?: string;
  };
}

interface Outcome {
  reports: WorkerReport[];
  /** Why the worker was stopped or died, when it did not finish its task. */
  death?: { kind: Exclude<FailureKind, 'error'>; error: string };
  seconds: number;
}

/** Runs `entry` for `limits.seconds`; never throws for what the target does. */
export async function fuzzInWorker(entry: TargetEntry, limits: FuzzLimits): Promise<TargetResult> {
  const hangMs = limits.hangMs ?? 2_000;
  const maxHeapMb = limits.maxHeapMb ?? 256;
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const task: WorkerTask = { moduleUrl: entry.moduleUrl, exportName: entry.exportName, seed: limits.seed, mode: 'search', seconds: limits.seconds, index: 0, maxExternalBytes: maxHeapMb * 2 ** 20, shared };
  // Past this the worker is taken to be stuck in shrinking, and what it reported before stands.
  const outcome = await runWorker(task, maxHeapMb, hangMs, limits.seconds * 1000 + 60_000);
  const { ints, floats } = sharedCounters(shared);
  const done = outcome.reports.find((r) => r.type === 'done' || r.type === 'failed') as Extract<WorkerReport, { type: 'done' | 'failed' }> | undefined;
  const runs = done?.runs ?? ints[1]! + 1;
  const seconds = done?.seconds ?? outcome.seconds;
  // A worker that ran out of heap died at its limit, whatever the last sample after an input said.
  const heapMaxBytes = outcome.death?.kind === 'heap' ? Math.max(floats[1]!, maxHeapMb * 2 ** 20) : floats[1]!;
  const result: TargetResult = { name: entry.name, description: entry.description, seed: limits.seed, runs, seconds, inputsPerSecond: runs / seconds, heapMaxBytes };
  const save = async (input: FuzzJson, error: string): Promise<string> =>
    saveFailure({ target: entry.name, error, found: new Date().toISOString(), seed: limits.seed, input: fromFuzzJson(input) }, limits.failuresDir);
  if (done?.type === 'failed') {
    result.failure = { kind: 'error', error: done.error, shrunk: true, reproduces: done.reproduces, file: await save(done.input, done.error) };
  } else if (outcome.death) {
    const failing = outcome.reports.find((r) => r.type === 'failing');
    if (failing?.type === 'failing') {
      // It died while shrinking a failure: the failure as first found is what there is.
      result.failure = { kind: 'error', error: failing.error, shrunk: false, file: await save(failing.input, failing.error) };
    } else if (ints[0]! > 0) {
      const replay = await runWorker({ ...task, mode: 'generate', index: ints[1]!, shared: new SharedArrayBuffer(SHARED_BYTES) }, maxHeapMb, Infinity, 60_000);
      const input = replay.reports.find((r) => r.type === 'input');
      result.failure = { ...outcome.death, shrunk: false, ...(input?.type === 'input' ? { file: await save(input.input, outcome.death.error) } : {}) };
    } else {
      result.failure = { ...outcome.death, shrunk: false };
    }
  }
  return result;
}

/** Runs one worker to its end, stopping it on a hang or past `deadlineMs`. */
function runWorker(task: WorkerTask, maxHeapMb: number, hangMs: number, deadlineMs: number): Promise<Outcome> {
  const { ints } = sharedCounters(task.shared);
  const started = performance.now();
  const worker = new Worker(WORKER, { workerData: task, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } });
  const reports: WorkerReport[] = [];
  let death: Outcome['death'];
  let seen = 0;
  let seenAt = started;
  const watchdog = setInterval(() => {
    const now = performance.now();
    const calls = Atomics.load(ints, 0);
    if (calls !== seen) {
      seen = calls;
      seenAt = now;
    } else if (calls > 0 && now - seenAt > hangMs && !death) {
      death = { kind: 'hang', error: `hang: one input took more than ${hangMs} ms` };
      void worker.terminate();
    }
    if (now - started > deadlineMs && !death) {
      death = { kind: 'hang', error: `the worker was still busy ${Math.round(deadlineMs / 1000)} s after it started` };
      void worker.terminate();
    }
  }, 50);
  worker.on('message', (report: WorkerReport) => reports.push(report));
  worker.on('error', (err: Error & { code?: string }) => {
    death ??= err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'heap', error: `heap: the worker ran out of its ${maxHeapMb} MiB` } : { kind: 'crash', error: `crash: ${err.name}: ${err.message}` };
  });
  return new Promise((resolve) => {
    worker.on('exit', (code) => {
      clearInterval(watchdog);
      if (!death && !reports.some((r) => r.type === 'done' || r.type === 'failed' || r.type === 'input')) {
        death = { kind: 'crash', error: `crash: the worker exited with code ${code} before its result` };
      }
      resolve({ reports, ...(death ? { death } : {}), seconds: (performance.now() - started) / 1000 });
    });
  });
}
