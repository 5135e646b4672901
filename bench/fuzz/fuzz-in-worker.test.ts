import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSavedFailures } from '../../engine/testing/fuzz/saved-failures.js';
import { fuzzInWorker, type TargetEntry } from './fuzz-in-worker.js';

const FIXTURES = new URL('./fixtures/misbehaving-targets.ts', import.meta.url).href;
const entry = (exportName: string, name: string): TargetEntry => ({ name, description: exportName, moduleUrl: FIXTURES, exportName });

describe('fuzzInWorker', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fuzz-failures-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the inputs a target passes and the heap it held, and saves nothing', async () => {
    const result = await fuzzInWorker(entry('wellBehaved', 'test.well-behaved'), { seconds: 0.5, seed: 1, failuresDir: dir });
    expect(result.failure).toBeUndefined();
    expect(result.runs).toBeGreaterThan(100);
    expect(result.inputsPerSecond).toBeGreaterThan(0);
    expect(result.heapMaxBytes).toBeGreaterThan(0);
    expect(await readSavedFailures('test.well-behaved', dir)).toEqual([]);
  });

  it('saves the shrunk input of a failure, which replays', async () => {
    const result = await fuzzInWorker(entry('throwsOnLongInput', 'test.throws-on-long-input'), { seconds: 5, seed: 2, failuresDir: dir });
    expect(result.failure).toMatchObject({ kind: 'error', shrunk: true, reproduces: true, error: expect.stringMatching(/offset out of bounds/) });
    expect(await readSavedFailures('test.throws-on-long-input', dir)).toEqual([{ file: result.failure!.file, error: result.failure!.error, input: Uint8Array.of(0, 0, 0) }]);
  });

  it('stops a worker stuck in one input and saves the input it was stuck in', async () => {
    const result = await fuzzInWorker(entry('hangsOnLongInput', 'test.hangs-on-long-input'), { seconds: 5, seed: 3, hangMs: 1_000, failuresDir: dir });
    expect(result.failure).toMatchObject({ kind: 'hang', shrunk: false });
    const [saved] = await readSavedFailures('test.hangs-on-long-input', dir);
    expect((saved!.input as Uint8Array).length).toBeGreaterThanOrEqual(3);
  });

  it('fails a target that keeps byte arrays past the cap', async () => {
    const result = await fuzzInWorker(entry('leaksBytes', 'test.leaks-bytes'), { seconds: 5, seed: 4, maxHeapMb: 32, failuresDir: dir });
    expect(result.failure).toMatchObject({ kind: 'error', error: expect.stringMatching(/allocation: \d+ MiB held outside the heap/) });
  });

  it('fails a target that fills the heap, with the input it was on', async () => {
    const result = await fuzzInWorker(entry('leaksObjects', 'test.leaks-objects'), { seconds: 5, seed: 5, maxHeapMb: 32, failuresDir: dir });
    expect(result.failure).toMatchObject({ kind: 'heap', shrunk: false, file: expect.any(String) });
    expect(result.heapMaxBytes).toBeGreaterThanOrEqual(32 * 2 ** 20);
  });
});
