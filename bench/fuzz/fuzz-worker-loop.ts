/**
 * The loop of one fuzz worker thread (started by fuzz-in-worker.ts through fuzz-worker.mjs): loads
 * one target and either searches it for a failing input for a given time, or regenerates the input
 * a search made at a given index (how an input that hung or blew the heap, and so could not be
 * reported by the worker stuck in it, is recovered). After every input it records its progress and
 * the memory held in shared memory; an input that leaves more than the cap held outside the V8 heap
 * fails like an exception (the heap itself is capped by the worker's resource limits).
 */
import fc from 'fast-check';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { fromFuzzJson, toFuzzJson } from '../../engine/testing/fuzz/fuzz-json.js';
import type { FuzzTarget } from '../../engine/testing/fuzz/fuzz-target.js';
import { sharedCounters, type WorkerReport, type WorkerTask } from './worker-protocol.js';

const task = workerData as WorkerTask;
const target = ((await import(task.moduleUrl)) as Record<string, FuzzTarget<unknown>>)[task.exportName]!;
const { ints, floats } = sharedCounters(task.shared);
const post = (report: WorkerReport): void => parentPort!.postMessage(report);

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Records the memory held after an input; throws when the input left too much outside the heap. */
function afterInput(): void {
  const heap = getHeapStatistics();
  floats[1] = Math.max(floats[1]!, heap.used_heap_size + heap.external_memory);
  if (heap.external_memory > task.maxExternalBytes) {
    throw new Error(`allocation: ${(heap.external_memory / 2 ** 20).toFixed(0)} MiB held outside the heap after one input > ${(task.maxExternalBytes / 2 ** 20).toFixed(0)} MiB`);
  }
}

async function search(): Promise<void> {
  let index = -1;
  let failing = false;
  const before = (): void => {
    if (!failing) ints[1] = ++index;
    Atomics.add(ints, 0, 1);
  };
  const failed = (input: unknown, err: unknown): never => {
    if (!failing) {
      failing = true;
      post({ type: 'failing', index, input: toFuzzJson(input), error: message(err) });
    }
    throw err;
  };
  // A synchronous property when the target's check is synchronous: an await per input would cost
  // more than most decoders do. The probe is the search's first input, so a hang in it is found
  // at index 0 like any other.
  const probe = inputAt(0);
  ints[1] = 0;
  Atomics.add(ints, 0, 1);
  let asynchronous = false;
  try {
    const result = target.check(probe);
    asynchronous = result instanceof Promise;
    await result;
  } catch {
    // The search meets this input again and reports it.
  }
  const started = performance.now();
  const params = { seed: task.seed, numRuns: 2 ** 31 - 1, interruptAfterTimeLimit: task.seconds * 1000, markInterruptAsFailure: false };
  const details = asynchronous
    ? await fc.check(
        fc.asyncProperty(target.arbitrary, async (input) => {
          before();
          try {
            await target.check(input);
            afterInput();
          } catch (err) {
            failed(input, err);
          }
        }),
        params,
      )
    : fc.check(
        fc.property(target.arbitrary, (input) => {
          before();
          try {
            target.check(input);
            afterInput();
          } catch (err) {
            failed(input, err);
          }
        }),
        params,
      );
  const seconds = (performance.now() - started) / 1000;
  if (!details.failed || !details.counterexample) {
    post({ type: 'done', runs: details.numRuns, seconds });
    return;
  }
  const input = toFuzzJson(details.counterexample[0]);
  let reproduces = false;
  try {
    await target.check(fromFuzzJson(JSON.parse(JSON.stringify(input))));
    afterInput();
  } catch {
    reproduces = true;
  }
  post({ type: 'failed', input, error: message(details.errorInstance), runs: index + 1, seconds, reproduces });
}

/** The input a search with the task's seed generates at `index`. */
function inputAt(index: number): unknown {
  let input: unknown;
  fc.check(
    fc.property(target.arbitrary, (value) => {
      input = value;
    }),
    { seed: task.seed, path: String(index), numRuns: 1 },
  );
  return input;
}

if (task.mode === 'search') await search();
else post({ type: 'input', input: toFuzzJson(inputAt(task.index)) });
