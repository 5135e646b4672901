import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server running as a child process for the tests, with a URL to reach it. */
export interface RunningServer {
  name: string;
  url: string;
  /** The current process, for tests that need to stop or kill it; a new one after {@link RunningServer.restart}. */
  readonly child: ChildProcess;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and removes its data folder. */
  stop(): Promise<void>;
  /**
   * Stops the process like {@link RunningServer.stop} but keeps its data folder, so that
   * {@link RunningServer.restart} can bring it back: for tests of a server that goes away.
   */
  halt(): Promise<void>;
  /**
   * Starts the server again on the same ports and waits until it answers (halting it first if it
   * runs). Its data folder is kept, or emptied when `wipeData` is set (a server that lost its data).
   * @throws Error with the process's last output lines if it exits early or never answers.
   */
  restart(options?: { wipeData?: boolean }): Promise<void>;
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

/** One run of the server's process. */
interface Launched {
  child: ChildProcess;
  /** Why it ended, once it has. */
  exited(): string | undefined;
  exitedPromise: Promise<void>;
  output: string[];
}

function launch(spec: ServerSpec, dataDir: string): Launched {
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
  return { child, exited: () => exited, exitedPromise, output };
}

async function terminate(run: Launched): Promise<void> {
  if (run.exited() !== undefined) return;
  run.child.kill('SIGTERM');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), STOP_GRACE_MS);
  await run.exitedPromise;
  clearTimeout(timer);
}

// Polls the probe until it answers; returns why not otherwise.
async function waitUntilReady(spec: ServerSpec, run: Launched): Promise<string | undefined> {
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  let lastError: unknown;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (run.exited() !== undefined) break;
    try {
      await spec.probe();
      return undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) break;
    await wait(delay);
  }
  return run.exited() ?? `did not answer within ${spec.readyTimeoutMs ?? 30_000} ms (${String(lastError)})`;
}

/**
 * Starts a server process in a fresh temporary folder and waits until its probe succeeds.
 * @throws Error with the process's last output lines if it exits early or never answers.
 */
export async function startServerProcess(spec: ServerSpec): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), `tessera-${spec.name}-`));
  let run = launch(spec, dataDir);

  const stop = async (): Promise<void> => {
    await terminate(run);
    await rm(dataDir, { recursive: true, force: true });
  };
  const halt = (): Promise<void> => terminate(run);
  const restart = async (options?: { wipeData?: boolean }): Promise<void> => {
    await terminate(run);
    if (options?.wipeData) {
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir, { recursive: true });
    }
    run = launch(spec, dataDir);
    const why = await waitUntilReady(spec, run);
    if (why !== undefined) {
      await terminate(run);
      throw new Error(`${spec.name} (${spec.binary}) ${why} after a restart; its last output:\n  ${run.output.join('\n  ')}`);
    }
  };

  const why = await waitUntilReady(spec, run);
  if (why === undefined) {
    return {
      name: spec.name,
      url: spec.url,
      get child() {
        return run.child;
      },
      stop,
      halt,
      restart,
    };
  }
  await stop();
  throw new Error(`${spec.name} (${spec.binary}) ${why}; its last output:\n  ${run.output.join('\n  ')}`);
}
