import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineFuzzTarget } from './fuzz-target.js';
import { runFuzzTarget } from './run-fuzz-target.js';
import { saveFailure } from './saved-failures.js';

// A "decoder" with a defect on one input only, which random inputs of this size never reach.
const fragile = (fixed: boolean) =>
  defineFuzzTarget({
    name: 'test.fragile',
    description: 'fails on the bytes DE AD',
    arbitrary: fc.uint8Array({ maxLength: 1 }),
    check(bytes: Uint8Array) {
      if (!fixed && bytes[0] === 0xde && bytes[1] === 0xad) throw new RangeError('offset out of bounds');
    },
  });

describe('runFuzzTarget', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fuzz-failures-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a target that holds for every input', async () => {
    await runFuzzTarget(fragile(false), { runs: 50, failuresDir: dir });
  });

  it('replays every saved failure first, naming the file of one that fails again', async () => {
    const file = await saveFailure({ target: 'test.fragile', error: 'RangeError: offset out of bounds', found: new Date().toISOString(), input: Uint8Array.of(0xde, 0xad) }, dir);
    await expect(runFuzzTarget(fragile(false), { runs: 50, failuresDir: dir })).rejects.toThrow(file);
    await runFuzzTarget(fragile(true), { runs: 50, failuresDir: dir });
  });

  it('reports a random failure with the seed that repeats it and the shrunk input', async () => {
    const target = defineFuzzTarget({
      name: 'test.long-input',
      description: 'refuses inputs of 3 bytes or more',
      arbitrary: fc.uint8Array({ minLength: 3, maxLength: 20 }),
      check(bytes: Uint8Array) {
        if (bytes.length >= 3) throw new Error('too long');
      },
    });
    await expect(runFuzzTarget(target, { runs: 50, failuresDir: dir })).rejects.toThrow(/seed: -?\d+[\s\S]*Uint8Array\.from\(\[0,0,0\]\)[\s\S]*too long/);
  });

  it('awaits a check that is asynchronous', async () => {
    const target = defineFuzzTarget({
      name: 'test.async',
      description: 'rejects later',
      arbitrary: fc.nat(),
      async check() {
        await Promise.resolve();
        throw new Error('rejected');
      },
    });
    await expect(runFuzzTarget(target, { runs: 5, failuresDir: dir })).rejects.toThrow(/rejected/);
  });
});
