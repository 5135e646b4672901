/**
 * What the long fuzz runner and its worker threads say to each other: the task a worker gets, the
 * reports it posts, and the shared counters the runner's watchdog reads while the worker is busy
 * (a worker stuck in one input cannot post anything, so its progress is in shared memory).
 */
import type { FuzzJson } from '../../engine/testing/fuzz/fuzz-json.js';

/** What a worker is asked to do. */
export interface WorkerTask {
  /** The target's module, as a file URL, and the export that holds it. */
  moduleUrl: string;
  exportName: string;
  /** fast-check seed of the search. */
  seed: number;
  /**
   * `search`: check random inputs for `seconds`, then shrink the first failure; `generate`: post
   * the input the search with `seed` generated at `index`, without checking it.
   */
  mode: 'search' | 'generate';
  seconds: number;
  index: number;
  /** Memory outside the V8 heap (byte arrays) an input may leave held before it counts as a failure. */
  maxExternalBytes: number;
  /** {@link SHARED_BYTES} bytes, read through {@link sharedCounters}. */
  shared: SharedArrayBuffer;
}

/** What a worker posts. */
export type WorkerReport =
  /** The first failing input, before shrinking, in case shrinking never ends. */
  | { type: 'failing'; index: number; input: FuzzJson; error: string }
  /** The search found a failure; `input` is shrunk; `reproduces` says whether its JSON form fails again. */
  | { type: 'failed'; input: FuzzJson; error: string; runs: number; seconds: number; reproduces: boolean }
  /** The search ran its time without a failure. */
  | { type: 'done'; runs: number; seconds: number }
  /** `generate` mode's answer. */
  | { type: 'input'; input: FuzzJson };

/** Size of the shared block. */
export const SHARED_BYTES = 16;

/** The shared block's fields. */
export interface SharedCounters {
  /** [0]: inputs checked so far, shrinking included (the watchdog's sign of life); [1]: index of the search's current input. */
  ints: Int32Array;
  /** [1]: the largest V8 heap in use plus memory held outside it, in bytes, seen after an input. */
  floats: Float64Array;
}

/** Views of the shared block. */
export function sharedCounters(shared: SharedArrayBuffer): SharedCounters {
  return { ints: new Int32Array(shared, 0, 2), floats: new Float64Array(shared, 0, 2) };
}
