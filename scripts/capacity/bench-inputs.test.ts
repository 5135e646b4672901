import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBenchInputs } from './bench-inputs.js';
import { CapacityError } from './errors.js';
import { writeFixtureResults } from './fixtures/bench-results.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capacity-inputs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readBenchInputs', () => {
  it('reads each figure with the file and name it came from', async () => {
    const inputs = await readBenchInputs(await writeFixtureResults(dir));
    expect(inputs.echoCpuUs).toEqual({ value: 30, unit: 'x', source: 'gate.json: tcp server CPU per message', date: '2026-01-02T03:04:05.000Z' });
    expect(inputs.syncPlayers).toMatchObject({ value: 500, source: 'sync.json: params.players' });
    expect(inputs.hubMessagesPerSecond.value).toBe(50_000);
    expect(inputs.storeUpdatesPerSecond.value).toBe(10_000);
  });

  it('names a missing result file and the benchmark that writes it', async () => {
    await writeFixtureResults(dir, ['store']);
    const err = await readBenchInputs(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CapacityError);
    expect((err as CapacityError).code).toBe('CAPACITY_ERR_MISSING_RESULT');
    expect((err as CapacityError).message).toContain(join(dir, 'store.json'));
    expect((err as CapacityError).message).toContain('npm run bench -- store');
  });

  it('refuses a result file that is not JSON', async () => {
    await writeFixtureResults(dir);
    await writeFile(join(dir, 'rpc.json'), '{ not json');
    await expect(readBenchInputs(dir)).rejects.toMatchObject({ code: 'CAPACITY_ERR_BAD_RESULT', message: expect.stringContaining('rpc.json is not JSON') });
  });

  it('refuses a result that lacks a figure the model reads', async () => {
    await writeFixtureResults(dir);
    await writeFile(join(dir, 'cluster.json'), JSON.stringify({ figures: { 'broadcast: time per broadcast': { value: 1, unit: 'ms' } } }));
    await expect(readBenchInputs(dir)).rejects.toMatchObject({ code: 'CAPACITY_ERR_BAD_RESULT', message: expect.stringContaining('"hub: hub publish → subscriber"') });
  });

  it('refuses a sync result that lacks a parameter the model reads', async () => {
    await writeFixtureResults(dir);
    await writeFile(join(dir, 'sync.json'), JSON.stringify({ figures: { 'sync stage CPU time per tick, mean': { value: 1, unit: 'ms' } }, params: {} }));
    await expect(readBenchInputs(dir)).rejects.toMatchObject({ code: 'CAPACITY_ERR_BAD_RESULT', message: expect.stringContaining('no parameter "players"') });
  });
});
