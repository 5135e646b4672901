import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSoakArgs } from './soak-args.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'soak-args-'));
  const game = (name: string, files: string[]) => Promise.all(files.map(async (f) => {
    await mkdir(join(cwd, name, 'scenarios'), { recursive: true });
    await writeFile(join(cwd, name, 'scenarios', f), '');
  }));
  await game('examples/arena', ['play.ts', 'sight.ts', 'sight.test.ts']);
  await game('one', ['shop.ts', 'shop.test.ts']);
  await game('two', ['a.ts', 'b.ts']);
  await mkdir(join(cwd, 'none'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

const parse = (...argv: string[]) => parseSoakArgs(argv, cwd);
const refusal = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('parseSoakArgs', () => {
  it('takes minutes and bots, with the arena, its play scenario, 10 s samples and a ramp of a second per 40 bots by default', () => {
    expect(parse('--minutes', '30', '--bots', '2000')).toEqual({ minutes: 30, bots: 2000, game: 'examples/arena', scenarioPath: join('examples/arena', 'scenarios', 'play.ts'), sampleMs: 10_000, rampMs: 50_000 });
    expect(parse('--minutes', '0.5', '--bots', '50').rampMs).toBe(5_000);
  });

  it('takes every other option as typed', () => {
    expect(parse('--minutes', '5', '--bots', '100', '--game', 'one', '--scenario', 'x/y.ts', '--sample', '2s', '--ramp', '1m30s', '--transport', 'kcp', '--workers', '2', '--login-rate', '200', '--seed', '7', '--out', 'data/soak')).toEqual({
      minutes: 5, bots: 100, game: 'one', scenarioPath: 'x/y.ts', sampleMs: 2_000, rampMs: 90_000, transport: 'kcp', workers: 2, loginRatePerSecond: 200, seed: 7, outDir: 'data/soak',
    });
  });

  it("picks a game's only scenario, and refuses to guess among several without a play.ts", () => {
    expect(parse('--minutes', '1', '--bots', '1', '--game', 'one').scenarioPath).toBe(join('one', 'scenarios', 'shop.ts'));
    expect(refusal('--minutes', '1', '--bots', '1', '--game', 'two')).toMatchObject({ code: 'BOT_ERR_OPTIONS', message: expect.stringMatching(/two\/scenarios holds a\.ts, b\.ts: name one with --scenario/) });
    expect(refusal('--minutes', '1', '--bots', '1', '--game', 'none').message).toMatch(/none has no scenarios\/ folder/);
  });

  it('refuses missing, unknown and out-of-range options with BOT_ERR_OPTIONS', () => {
    for (const argv of [
      ['--bots', '10'],
      ['--minutes', '1'],
      ['--minutes', '0', '--bots', '10'],
      ['--minutes', '1', '--bots', '1.5'],
      ['--minutes', '1', '--bots', 'many'],
      ['--minutes', '1', '--bots', '10', '--sample', '500ms'],
      ['--minutes', '1', '--bots', '10', '--sample', '10'],
      ['--minutes', '1', '--bots', '10', '--ramp', 'soon'],
      ['--minutes', '1', '--bots', '10', '--transport', 'udp'],
      ['--minutes', '1', '--bots', '10', '--workers', '0'],
      ['--minutes', '1', '--bots', '10', '--frobnicate'],
      ['--minutes', '1', '--bots', '10', 'stray'],
      ['--minutes', '10000', '--bots', '10', '--sample', '1s'],
    ]) {
      expect(refusal(...argv), argv.join(' ')).toMatchObject({ code: 'BOT_ERR_OPTIONS' });
    }
  });
});
