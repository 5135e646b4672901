import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const WATCHED = fileURLToPath(new URL('./fixtures/watched-process.ts', import.meta.url));
/** Only a process the watchdog failed to end gets this far. */
const DEADLINE_MS = 60_000;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs watched-process.ts; one still running at the deadline is killed and the test fails. */
function run(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WATCHED, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`watched-process ${args.join(' ')} still ran after ${DEADLINE_MS} ms: the watchdog did not end it\n${stdout}${stderr}`));
    }, DEADLINE_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('the event-loop watchdog', () => {
  let dir: string;
  beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), 'watchdog-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'ends a process whose main thread blocks for good with SIGKILL, after a report on stderr and in the report file',
    async () => {
      const reportFile = join(dir, 'test-0-watchdog.log');
      const outcome = await run(['block', '1000', reportFile]);
      expect(outcome.stdout).toBe('watching\n');
      expect(outcome.code).toBeNull();
      expect(outcome.signal).toBe('SIGKILL');
      const line = outcome.stderr.trim().split('\n').at(-1)!;
      const report = JSON.parse(line) as Record<string, unknown>;
      expect(report).toMatchObject({
        level: 'error',
        serverId: 'test-0',
        component: 'watchdog',
        message: 'event loop stalled; ending the process with SIGKILL',
        role: 'test',
        stallMs: 1000,
        memory: { rss: expect.any(Number), mainHeapUsed: expect.any(Number), mainHeapTotal: expect.any(Number) },
      });
      expect(report.stalledMs).toBeGreaterThanOrEqual(1000);
      expect((report.memory as { rss: number }).rss).toBeGreaterThan(0);
      expect(await readFile(reportFile, 'utf8')).toBe(`${line}\n`);
    },
    DEADLINE_MS + 10_000,
  );

  it(
    'leaves alone a process whose loop is busy but keeps turning',
    async () => {
      const outcome = await run(['busy', '2000']);
      expect(outcome.stderr).toBe('');
      expect(outcome.signal).toBeNull();
      expect(outcome.code).toBe(0);
      expect(outcome.stdout).toBe('watching\ndone\n');
    },
    DEADLINE_MS + 10_000,
  );
});
