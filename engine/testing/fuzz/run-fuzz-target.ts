/**
 * The CI run of a fuzz target, for its `*.fuzz.test.ts`: first every failure `npm run fuzz` saved
 * for it (each must now pass: that is the regression test), then a small number of fresh random
 * inputs under fast-check's own random seed, which its failure message prints with the shrunk
 * counterexample so that the run can be repeated (`fc.assert(…, { seed, path })`).
 */
import fc from 'fast-check';
import type { FuzzTarget } from './fuzz-target.js';
import { FUZZ_FAILURES_DIR, readSavedFailures } from './saved-failures.js';

/** Options of {@link runFuzzTarget}. */
export interface RunFuzzTargetOptions {
  /** Fresh random inputs to try (default 300): CI size, a second or two per target. */
  runs?: number;
  /** Where saved failures are read (default bench/fuzz-failures/). */
  failuresDir?: string;
}

/**
 * Replays the target's saved failures, then checks `runs` random inputs.
 * @throws Error naming the failure file when a saved failure fails again; fast-check's error (seed,
 *   path, shrunk counterexample, the check's error) when a random input fails.
 */
export async function runFuzzTarget<T>(target: FuzzTarget<T>, options: RunFuzzTargetOptions = {}): Promise<void> {
  for (const failure of await readSavedFailures(target.name, options.failuresDir ?? FUZZ_FAILURES_DIR)) {
    try {
      await target.check(failure.input as T);
    } catch (err) {
      throw new Error(`fuzz ${target.name}: the saved failure ${failure.file} (found as: ${failure.error}) fails: ${(err as Error).message}`, { cause: err });
    }
  }
  await fc.assert(
    fc.asyncProperty(target.arbitrary, async (input) => {
      await target.check(input);
    }),
    { numRuns: options.runs ?? 300, includeErrorInReport: true },
  );
}
