/**
 * A short soak end to end: a standalone server of its own, 50 bots echoing for 30 s, the server
 * sampled every 2 s, the verdict, the report; then nothing left running. And the CLI's usage
 * errors, and Ctrl-C through the API's signal.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoak, type SoakResult } from './run-soak.js';

const SCENARIO = 'client-sim/bots/soak/fixtures/echo-scenario.ts';
let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'soak-run-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

const soakDirs = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('tessera-soak-'));

describe('runSoak', () => {
  let result: SoakResult;
  const lines: string[] = [];
  let dirsBefore: string[];

  beforeAll(async () => {
    dirsBefore = await soakDirs();
    result = await runSoak({
      minutes: 0.5, bots: 50, game: 'examples/inventory', scenarioPath: SCENARIO, sampleMs: 2_000, rampMs: 5_000, workers: 1,
      outDir: join(out, 'short'), log: (line) => lines.push(line),
    });
  }, 180_000);

  it('runs the bots against a server of its own and passes a server that levels off and keeps no session', () => {
    const { summary } = result;
    expect(summary.failures).toEqual([]);
    expect(summary.passed).toBe(true);
    expect(summary.ended).toBe('completed');
    expect(summary.totals.peakConnected).toBe(50);
    expect(summary.totals.requests).toBeGreaterThan(500);
    expect(summary.routes['Echo.echo']).toMatchObject({ errors: 0 });
  });

  it('samples the server all along: memory in the summary, the verdict and the figures at the end in words', () => {
    const memory = result.summary.memory!;
    expect(memory.t.length).toBeGreaterThanOrEqual(15);
    expect(memory.rssMiB).toHaveLength(memory.t.length);
    expect(memory.heapUsedMiB).toHaveLength(memory.t.length);
    for (let i = 0; i < memory.t.length; i++) expect(memory.rssMiB[i]!).toBeGreaterThan(memory.heapUsedMiB[i]!);
    expect(memory.verdict.split('\n')).toEqual([
      expect.stringMatching(/^judged from \d+ s to \d+ s since the run's start \(sessions reached 95% of their peak of 50 at \d+ s; warm-up to 11 s\)$/),
      expect.stringMatching(/^heap: (levels off|no verdict)/),
      expect.stringMatching(/^resident memory: (levels off|no verdict)/),
      expect.stringMatching(/^at the end: 0 sessions live; engine timers \d+ \(\d+ before the bots\), Node timers \d+.* \(\d+\); handles .*TCPServerWrap \d+/),
    ]);
    expect(result.summary.samples).toContainEqual(expect.stringMatching(/^server logged \d+ warnings and 0 errors$/));
  });

  it('prints one plain line per sample, with the bots\' and the server\'s figures', () => {
    const progress = lines.filter((l) => l.startsWith('soak ') && / server rss /.test(l));
    expect(progress.length).toBe(result.summary.memory!.t.length);
    expect(progress.some((l) => / steady +bots 50\/50 +\d+ req\/s/.test(l))).toBe(true);
    expect(progress.at(-1)).toMatch(/ settling .* sessions 0$/);
    for (const line of lines) expect(line).not.toMatch(/\n|\x1b/);
  });

  it('writes the report to the folder, and leaves no server, worker or folder of its own behind', async () => {
    expect(result.folder).toBe(join(out, 'short'));
    const json = JSON.parse(await readFile(join(result.folder, 'summary.json'), 'utf8'));
    expect(json.memory.verdict).toBe(result.summary.memory!.verdict);
    expect(await readFile(join(result.folder, 'report.html'), 'utf8')).toMatch(/<html/i);
    expect(await soakDirs()).toEqual(dirsBefore);
  });
});

describe('runSoak interrupted', () => {
  it('stops on the signal, settles, still judges and reports, and says it was interrupted', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const result = await runSoak({
      minutes: 5, bots: 10, game: 'examples/inventory', scenarioPath: SCENARIO, sampleMs: 1_000, rampMs: 1_000, workers: 1,
      outDir: join(out, 'stopped'), signal: stop.signal,
      log: (line) => {
        lines.push(line);
        if (/ steady +bots 10\/10 /.test(line)) stop.abort();
      },
    });
    expect(result.summary.ended).toBe('interrupted');
    expect(result.summary.passed).toBe(false);
    expect(result.summary.memory!.verdict).toMatch(/at the end: 0 sessions live/);
    expect(JSON.parse(await readFile(join(out, 'stopped', 'summary.json'), 'utf8')).ended).toBe('interrupted');
  }, 120_000);
});

describe('npm run soak', () => {
  it('exits 2 with the usage on bad options, before starting anything', async () => {
    const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', 'client-sim/bots/soak.ts', '--bots', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(output).toMatch(/BOT_ERR_OPTIONS: .*--minutes and --bots are required/);
    expect(output).toMatch(/usage: npm run soak -- --minutes N --bots M/);
  }, 60_000);

  it('stops on Ctrl-C, writes its report, stops its server and exits 130', async () => {
    const folder = join(out, 'cli-stopped');
    const child = spawn(process.execPath, [
      '--conditions=tessera-source', '--import', 'tsx', 'client-sim/bots/soak.ts',
      '--minutes', '5', '--bots', '5', '--game', 'examples/inventory', '--scenario', SCENARIO, '--sample', '1s', '--ramp', '1s', '--workers', '1', '--out', folder,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let signalled = false;
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (!signalled && / steady +bots 5\/5 /.test(output)) {
        signalled = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(130);
    expect(output).toMatch(/soak: stopping \(Ctrl-C again to exit at once\)/);
    expect(output).toContain(`soak: report in ${folder}`);
    expect(JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8'))).toMatchObject({ ended: 'interrupted', passed: false });
    // Its server stopped with it: nothing answers at the login URL it printed.
    const login = /server at (http:\/\/\S+)/.exec(output)![1]!;
    await expect(fetch(`${login}/health`)).rejects.toThrow();
  }, 120_000);
});
