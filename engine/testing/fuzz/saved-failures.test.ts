import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSavedFailures, saveFailure } from './saved-failures.js';

describe('saved fuzz failures', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fuzz-failures-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are read back with their input as it was saved', async () => {
    const file = await saveFailure({ target: 'area.decoder', error: 'RangeError: offset', found: '2026-01-01T00:00:00.000Z', seed: 42, input: [Uint8Array.of(4, 0, 0, 1)] }, dir);
    expect(await readSavedFailures('area.decoder', dir)).toEqual([{ file, error: 'RangeError: offset', input: [Uint8Array.of(4, 0, 0, 1)] }]);
  });

  it('are saved once however often the same input is found', async () => {
    const failure = { target: 'area.decoder', error: 'boom', found: '2026-01-01T00:00:00.000Z', input: Uint8Array.of(9) };
    await saveFailure(failure, dir);
    await saveFailure({ ...failure, found: '2026-01-02T00:00:00.000Z' }, dir);
    expect(await readdir(join(dir, 'area.decoder'))).toHaveLength(1);
  });

  it('are none for a target without a folder', async () => {
    expect(await readSavedFailures('area.never-failed', dir)).toEqual([]);
  });

  it('refuse a file that is not a failure file', async () => {
    await mkdir(join(dir, 'area.decoder'));
    await writeFile(join(dir, 'area.decoder', 'notes.json'), '{"input": 1}');
    await expect(readSavedFailures('area.decoder', dir)).rejects.toThrow(/is not a failure file/);
  });
});
