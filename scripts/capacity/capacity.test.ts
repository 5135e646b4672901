import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESULTS, readCapacityArgs, runCapacity } from './capacity.js';
import { CapacityError } from './errors.js';
import { writeFixtureResults } from './fixtures/bench-results.js';

const usage = (argv: string[]): CapacityError => {
  try {
    readCapacityArgs(argv);
  } catch (err) {
    if (err instanceof CapacityError) return err;
    throw err;
  }
  throw new Error('no error');
};

describe('readCapacityArgs', () => {
  it('takes the players, the results folder and any assumption, remembering which were set', () => {
    const args = readCapacityArgs(['--ccu', '1000000', '--msgs-per-player', '4', '--cpu-target', '0.5', '--results', '/tmp/r']);
    expect(args.ccu).toBe(1_000_000);
    expect(args.results).toBe('/tmp/r');
    expect(args.assumptions['msgs-per-player']).toBe(4);
    expect(args.assumptions['cpu-target']).toBe(0.5);
    expect(args.assumptions['sync-hz']).toBe(20);
    expect([...args.set].sort()).toEqual(['cpu-target', 'msgs-per-player']);
    expect(readCapacityArgs(['--ccu', '5']).results).toBe(DEFAULT_RESULTS);
  });

  it('refuses a missing --ccu, an unknown option and numbers out of range', () => {
    expect(usage([]).code).toBe('CAPACITY_ERR_USAGE');
    expect(usage(['--ccu', '10', '--players', '3']).code).toBe('CAPACITY_ERR_USAGE');
    expect(usage(['--ccu', '1.5']).message).toContain('whole number');
    expect(usage(['--ccu', '0']).message).toContain('--ccu must be a number from 1');
    expect(usage(['--ccu', '10', '--cpu-target', '2']).message).toContain('--cpu-target must be a number from 0.05 to 1');
    expect(usage(['--ccu', '10', '--sync-hz', 'fast']).code).toBe('CAPACITY_ERR_USAGE');
  });
});

describe('runCapacity', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-run-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the figures it read, every assumption and the servers it sized', async () => {
    await writeFixtureResults(dir);
    let out = '';
    const code = await runCapacity(['--ccu', '100000', '--results', dir, '--sync-hz', '10'], (t) => (out += t), () => {});
    expect(code).toBe(0);
    expect(out).toContain('Capacity for 100,000 concurrent players');
    expect(out).toContain('gate.json: tcp server CPU per message');
    expect(out).toContain('--sync-hz');
    expect(out).toContain('(set)');
    expect(out).toMatch(/gates +\d+/);
    expect(out).toContain('MongoDB: ');
  });

  it('exits 1 naming a missing result file, 2 with the usage for bad arguments', async () => {
    await writeFixtureResults(dir, ['sync']);
    let err = '';
    expect(await runCapacity(['--ccu', '10', '--results', dir], () => {}, (t) => (err += t))).toBe(1);
    expect(err).toContain('CAPACITY_ERR_MISSING_RESULT');
    expect(err).toContain('npm run bench -- sync');
    err = '';
    expect(await runCapacity(['--ccu'], () => {}, (t) => (err += t))).toBe(2);
    expect(err).toContain('usage: npm run capacity');
  });
});
