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

  it('takes linear scaling when the scaling benchmark has not run, and its largest step when it has', async () => {
    const without = await readBenchInputs(await writeFixtureResults(dir));
    expect(without.lobbyScaling).toMatchObject({ value: 1, source: expect.stringContaining('linear assumed'), date: '' });
    expect(without.gateScaling.value).toBe(1);
    const figures = { '2 lobbies': 1_900, '4 lobbies': 3_600, '2 gates': 2_000, '3 gates': 3_300 };
    const baseline = { '1 lobby': 1_000, '1 gate': 1_100 };
    const asFigures = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, value]) => [k, { value, unit: 'req/s', better: 'higher' }]));
    await writeFile(join(dir, 'scaling.json'), JSON.stringify({ name: 'scaling', date: '2026-01-02T03:04:05.000Z', figures: asFigures(figures), baseline: asFigures(baseline) }));
    const withIt = await readBenchInputs(dir);
    expect(withIt.lobbyScaling).toMatchObject({ value: 0.9, source: 'scaling.json: 4 lobbies / (4 × 1 lobby)' });
    expect(withIt.gateScaling).toMatchObject({ value: 1, source: 'scaling.json: 3 gates / (3 × 1 gate)' });
  });

  it('takes linear scaling from a scaling result of one server of each, and refuses a step without a positive rate', async () => {
    await writeFixtureResults(dir);
    const one = { '1 lobby': { value: 900, unit: 'req/s' }, '1 gate': { value: 950, unit: 'req/s' } };
    await writeFile(join(dir, 'scaling.json'), JSON.stringify({ date: '2026-01-02T03:04:05.000Z', figures: {}, baseline: one }));
    expect((await readBenchInputs(dir)).lobbyScaling).toMatchObject({ value: 1, source: 'scaling.json: no step of more than one lobby; linear assumed' });
    await writeFile(join(dir, 'scaling.json'), JSON.stringify({ figures: { '2 lobbies': { value: 0, unit: 'req/s' } }, baseline: one }));
    await expect(readBenchInputs(dir)).rejects.toMatchObject({ code: 'CAPACITY_ERR_BAD_RESULT', message: expect.stringContaining('without a positive rate') });
  });

  it('refuses a scaling result without its one-server baseline', async () => {
    await writeFixtureResults(dir);
    await writeFile(join(dir, 'scaling.json'), JSON.stringify({ figures: { '2 lobbies': { value: 5, unit: 'req/s' } }, baseline: {} }));
    await expect(readBenchInputs(dir)).rejects.toMatchObject({ code: 'CAPACITY_ERR_BAD_RESULT', message: expect.stringContaining('"1 lobby"') });
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
