/**
 * Runs main.ts as a child process for the tests that need whole servers (a standalone process, a
 * gate, a lobby), and reads what it announces in its `ready` log line: its HTTP address, its
 * gate endpoints and identity key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_CLUSTER_SECRET } from './cluster-secret.js';

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));
// A process starts in seconds; on a loaded two-core machine a cluster of them starting together may take far longer.
const READY_TIMEOUT_MS = 90_000;

/** What a process's `ready` line says. */
export interface ReadyInfo {
  role: string;
  http: string;
  login?: string;
  gate?: { publicKey: string; tcp?: string; ws?: string; kcp?: string };
  rpc: string;
}

/** One running main.ts. */
export interface MainProcess {
  child: ChildProcess;
  ready: ReadyInfo;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code once it exits. */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** How a main.ts process is started, besides its arguments. */
export interface StartMainOptions {
  /** The process's open-file limit, soft and hard (so that Node cannot raise it); default: this process's. */
  openFileLimit?: number;
}

/**
 * Starts `main.ts` with `args`, and the test cluster secret in `RPC_SECRET`, and waits for its
 * `ready` line.
 * @param nodeArgs options for Node itself, e.g. `--inspect=127.0.0.1:0` for a benchmark's probe.
 * @throws Error with the process's output when it exits or stays silent for 30 s.
 */
export async function startMain(args: string[], nodeArgs: string[] = [], options: StartMainOptions = {}): Promise<MainProcess> {
  const argv = [process.execPath, ...nodeArgs, '--conditions=tessera-source', '--import', 'tsx', MAIN, '--log.console.colors', 'false', '--log.file.enabled', 'false', ...args];
  const limit = options.openFileLimit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new RangeError(`openFileLimit must be a positive integer, got ${limit}`);
  // The shell sets the limit and becomes the server (exec), so the child is the server itself.
  const [command, ...rest] = limit === undefined ? argv : ['/bin/sh', '-c', `ulimit -n ${limit} && exec "$0" "$@"`, ...argv];
  const child = spawn(command!, rest, {
    // The IPC channel tells the server when this process is gone, so that an interrupted test or
    // benchmark leaves no server behind.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, RPC_SECRET: TEST_CLUSTER_SECRET },
  });
  let output = '';
  let isReady = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<ReadyInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main.ts ${args.join(' ')} not ready within ${READY_TIMEOUT_MS} ms:\n${output.slice(-3000)}`)), READY_TIMEOUT_MS);
    const onData = (data: Buffer): void => {
      output += data.toString();
      // Searched only until found: a busy server prints megabytes after it, and searching all of
      // them again at every chunk would cost this process time quadratic in its output.
      if (isReady) return;
      const match = /\] ready (\{.*\})\s*$/m.exec(output);
      if (match) {
        isReady = true;
        clearTimeout(timer);
        resolve(JSON.parse(match[1]!) as ReadyInfo);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`main.ts ${args.join(' ')} exited with ${code} before it was ready:\n${output.slice(-3000)}`));
    });
  });
  // Keep collecting after ready, for assertions on later log lines.
  return {
    child,
    ready,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
