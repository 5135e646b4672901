/**
 * Bot runs against a real standalone server (the inventory example): through `runBots` in this
 * process, and through `npm run bots`'s script as a child process, whose exit shows that a run
 * leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMain, type MainProcess } from '../../engine/testing/main-process.js';
import { runCli } from '../fixtures/cli-runs.js';
import { runBots } from './bot-runner.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ECHO = 'client-sim/bots/fixtures/runner/echo-scenario.ts';
const UNMET = 'client-sim/bots/fixtures/runner/unmet-objective.ts';
const CLI = 'client-sim/bots/run-bots.ts';

describe('bot runs against a standalone server', () => {
  let dir: string;
  let server: MainProcess;
  let loginUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bot-runner-'));
    server = await startMain([
      '--role', 'standalone', '--game', 'examples/inventory', '--http.port', '0', '--rpc.port', '0',
      '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '-1',
      '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'),
      // Hashing at production cost, and the per-address limits, would hold a swarm's logins back.
      '--login.scrypt.N', '16', '--login.scrypt.r', '1', '--login.scrypt.p', '1',
      '--login.hashing.maxRegistrations', '1000', '--login.hashing.maxQueuedLogins', '1000',
      '--login.rateLimit.perIpPerMinute', '100000', '--login.rateLimit.perIpPerUserPerMinute', '100000',
    ]);
    loginUrl = server.ready.login!;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plays a scenario with bots over two workers, judges it, and writes the report folder', async () => {
    const outDir = join(dir, 'report-api');
    const { summary, folder, workerLoopDelayMs } = await runBots({
      scenarioPath: ECHO,
      cwd: ROOT,
      bots: 20,
      workers: 2,
      rampMs: 1_000,
      durationMs: 3_000,
      loginUrl,
      transport: 'ws',
      progress: 'none',
      outDir,
      seed: 42,
    });
    expect(folder).toBe(outDir);
    expect(workerLoopDelayMs).toHaveLength(2);
    expect(workerLoopDelayMs.every((ms) => ms >= 0 && Number.isFinite(ms))).toBe(true);
    expect(summary.ended).toBe('completed');
    expect(summary.failures).toEqual([]);
    expect(summary.passed).toBe(true);
    expect(summary.options).toMatchObject({ bots: 20, workers: 2, transport: 'ws', seed: 42, rampMs: 1_000, durationMs: 3_000 });
    expect(summary.totals.loginsOk).toBe(20);
    expect(summary.totals.peakConnected).toBe(20);
    expect(summary.routes['Echo.echo']!.count).toBeGreaterThan(40);
    expect(summary.checks['setup echoed']).toEqual({ pass: 20, fail: 0 });
    expect(summary.checks.echoed!.fail).toBe(0);
    // Every bot ran its teardown before it logged out.
    expect(summary.checks['said goodbye']).toEqual({ pass: 20, fail: 0 });
    expect(summary.objectives.map((o) => [o.description, o.passed])).toEqual([
      ['error rate < 1%', true],
      ['p99 of Echo.echo < 5000 ms', true],
    ]);
    expect(summary.series.t.length).toBeGreaterThanOrEqual(4);
    const json = JSON.parse(await readFile(join(outDir, 'summary.json'), 'utf8')) as { scenario: { name: string } };
    expect(json.scenario.name).toBe('runner echo');
    expect(existsSync(join(outDir, 'report.html'))).toBe(true);
  }, 60_000);

  it('stops early on its signal: bots log out and the summary says interrupted', async () => {
    const controller = new AbortController();
    const { summary, folder } = await runBots({
      scenarioPath: ECHO,
      cwd: ROOT,
      bots: 10,
      durationMs: 600_000,
      loginUrl,
      progress: 'none',
      report: false,
      signal: controller.signal,
      onInterval: (aggregate) => {
        if (aggregate.live().connected === 10) controller.abort();
      },
    });
    expect(folder).toBeUndefined();
    expect(summary.ended).toBe('interrupted');
    expect(summary.passed).toBe(false);
    expect(summary.failures).toContain('the run was interrupted');
    expect(summary.checks['said goodbye']).toEqual({ pass: 10, fail: 0 });
  }, 60_000);

  it('npm run bots exits 0 by itself when the run passed, and prints the report folder', async () => {
    const out = join(dir, 'report-cli');
    const { code, output } = await runCli(CLI, [ECHO, '--bots', '10', '--duration', '2s', '--login', loginUrl, '--out', out, '--progress', 'lines']);
    expect(output).toContain('runner echo: completed, passed');
    expect(output).toContain(`report: ${out}`);
    expect(output).toMatch(/bot workers' event loops: worst p99 delay [\d.]+ ms/);
    expect(code, output).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 60_000);

  it('npm run bots exits 1 when an objective fails, registering the accounts a first run lacks', async () => {
    const { code, output } = await runCli(CLI, [UNMET, '--bots', '5', '--duration', '2s', '--login', loginUrl, '--no-report']);
    expect(output).toContain('logins 5 ok / 0 failed');
    expect(output).toMatch(/FAIL throughput >= 1000000 requests\/s/);
    expect(code, output).toBe(1);
    // A second run logs in to the same accounts.
    const again = await runCli(CLI, [UNMET, '--bots', '5', '--duration', '1s', '--login', loginUrl, '--no-report']);
    expect(again.output).toContain('logins 5 ok / 0 failed');
    expect(again.code, again.output).toBe(1);
  }, 60_000);

  it('npm run bots exits 2 for bad usage and for a scenario that does not load', async () => {
    const usage = await runCli(CLI, []);
    expect(usage.output).toContain('name the scenario module');
    expect(usage.code).toBe(2);
    const bots = await runCli(CLI, [ECHO, '--bots', 'many', '--login', loginUrl]);
    expect(bots.output).toContain('BOT_ERR_OPTIONS');
    expect(bots.code).toBe(2);
    const duration = await runCli(CLI, [ECHO, '--duration', '5 minutes', '--login', loginUrl]);
    expect(duration.output).toContain('is not a duration');
    expect(duration.code).toBe(2);
    const missing = await runCli(CLI, ['client-sim/bots/fixtures/runner/no-such-scenario.ts', '--login', loginUrl]);
    expect(missing.output).toContain('BOT_ERR_SCENARIO');
    expect(missing.code).toBe(2);
  }, 60_000);

  it('npm run bots stops cleanly on Ctrl-C and exits 130', async () => {
    const child = spawn(process.execPath, ['--conditions=tessera-source', '--import', 'tsx', CLI, ECHO, '--bots', '5', '--duration', '10m', '--login', loginUrl, '--no-report', '--progress', 'lines'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const interrupted = new Promise<void>((resolve) => {
      const read = (d: Buffer): void => {
        output += d.toString();
        // The display's first line comes at the start; the run is under way.
        if (output.includes('connected') && !child.killed) {
          child.kill('SIGINT');
          resolve();
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await interrupted;
    const code = await exited;
    expect(output).toContain('stopping: bots finish and log out');
    expect(output).toContain('runner echo: interrupted, FAILED');
    expect(code, output).toBe(130);
  }, 60_000);
});

describe('a bot run whose gate never answers', () => {
  it('ends soon after the stop, its logins still on their way cut short, and does not count that as a failure', async () => {
    // A gate that accepts connections and never says a word: each bot's handshake waits for its own timeout.
    const sockets = new Set<Socket>();
    const gate = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const gateAddress = `127.0.0.1:${(gate.address() as { port: number }).port}`;
    const service = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: 'token', uid: 'uid', expiresAt: Date.now() + 60_000, gate: { id: 'gate-0', tcp: gateAddress, publicKey: Buffer.alloc(32, 7).toString('base64') } }));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const loginUrl = `http://127.0.0.1:${(service.address() as { port: number }).port}`;
    try {
      const { summary } = await runBots({ scenarioPath: ECHO, cwd: ROOT, bots: 3, durationMs: 500, stopGraceMs: 200, loginUrl, progress: 'none', report: false });
      expect(summary.ended).toBe('completed');
      expect(summary.totals.loginsOk).toBe(0);
      expect(summary.failures.filter((f) => f.includes('terminated') || f.includes('worker'))).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      service.closeAllConnections();
      await new Promise((resolve) => service.close(resolve));
      await new Promise((resolve) => gate.close(resolve));
    }
  }, 60_000);
});
