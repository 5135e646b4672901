import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server running as a child process for the tests, with a URL to reach it. */
export interface RunningServer {
  name: string;
  url: string;
  /** The process, for tests that need to stop or kill it. */
  child: ChildProcess;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and removes its data folder. */
  stop(): Promise<void>;
}

/** How to start one server process and tell that it is ready. */
export interface ServerSpec {
  name: string;
  binary: string;
  /** Builds the command-line arguments given a fresh data folder. */
  args(dataDir: string): string[];
  url: string;
  /** Resolves when the server answers; rejects to retry (it is polled until `readyTimeoutMs`). */
  probe(): Promise<void>;
  /** Default 30,000 ms. */
  readyTimeoutMs?: number;
}

const OUTPUT_LINES_KEPT = 40;
const STOP_GRACE_MS = 5_000;
const live = new Set<ChildProcess>();

// Children must not outlive the test run, even when it crashes.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a server process in a fresh temporary folder and waits until its probe succeeds.
 * @throws Error with the process's last output lines if it exits early or never answers.
 */
export async function startServerProcess(spec: ServerSpec): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), `tessera-${spec.name}-`));
  const child = spawn(spec.binary, spec.args(dataDir), { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > OUTPUT_LINES_KEPT) output.splice(0, output.length - OUTPUT_LINES_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      live.delete(child);
      resolve();
    });
    child.once('error', (err) => {
      exited = `failed to start: ${err.message}`;
      live.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exitedPromise;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  let lastError: unknown;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (exited !== undefined) break;
    try {
      await spec.probe();
      return { name: spec.name, url: spec.url, child, stop };
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) break;
    await wait(delay);
  }
  await stop();
  const why = exited ?? `did not answer within ${spec.readyTimeoutMs ?? 30_000} ms (${String(lastError)})`;
  throw new Error(`${spec.name} (${spec.binary}) ${why}; its last output:\n  ${output.join('\n  ')}`);
}
