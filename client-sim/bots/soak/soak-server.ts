/**
 * The server a soak runs against: `main.ts --role standalone` as a child process, with its inspector
 * on loopback (for the heap), every port free-chosen, its keys and store in a folder of its own,
 * and logs at `info`. Its output is read as it comes but kept only in part: the last 64 KiB, a
 * count of warning and error lines, and the first few of them, so that a long run's megabytes of
 * log cost the soak nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../../engine/timer/clock.js';
import { inspectorUrlIn } from './inspector-client.js';

// From the sources main.ts runs under tsx; from the build, dist/main.js runs as it is.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const MAIN = fileURLToPath(new URL(FROM_SOURCE ? '../../../main.ts' : '../../../main.js', import.meta.url));
const TAIL_BYTES = 64 * 1024;
const KEPT_PROBLEMS = 5;
const PROBLEM_LINE = /^\S+Z (warn|error)\s/;
// main.ts's own line, not a module's (`login service ready {…}`).
const READY = '] ready {';

/** How the soak's server is started. */
export interface SoakServerOptions {
  /** The game module, as `--game` takes it (e.g. `examples/arena`). */
  game: string;
  /** The server's own folder (keys, LMDB store); the caller creates and removes it. */
  dir: string;
  clock: Clock;
  /** More `main.ts` flags, after the soak's own. */
  args?: readonly string[];
  /** Longest wait for the `ready` line (default 60,000 ms). */
  readyTimeoutMs?: number;
}

/** A running soak server. */
export interface SoakServer {
  pid: number;
  /** The login service's base URL. */
  login: string;
  /** Its `/health` URL. */
  health: string;
  /** Its inspector's WebSocket URL. */
  inspector: string;
  /** The last 64 KiB it printed. */
  tail(): string;
  /** Warning and error lines it logged so far, and the first few of them. */
  problems(): { warnings: number; errors: number; first: string[] };
  /** Resolves with the exit code once it exits. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (or `signal`) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `main.ts` flags of a soak server in `dir` running `game`. */
export function soakServerArgs(game: string, dir: string): string[] {
  return [
    '--role', 'standalone', '--game', game,
    '--http.port', '0', '--http.play', 'false', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'),
    // The soak measures the game under load, not password hashing: each hash at the default cost
    // holds 32 MiB for tens of milliseconds, noise in the resident memory it samples.
    '--login.scrypt.N', '1024',
    // Its store starts empty, so every bot registers first: at that cost a hash takes about a
    // millisecond, and the default cap on registrations in progress (16) would pace the ramp.
    '--login.hashing.maxRegistrations', '1024',
    '--log.level', 'info', '--log.console.colors', 'false', '--log.file.enabled', 'false',
  ];
}

/**
 * Starts the server and waits for its `ready` line and its inspector.
 * @throws Error with the end of its output when it exits first or is not ready in time.
 */
export async function startSoakServer(options: SoakServerOptions): Promise<SoakServer> {
  const argv = [
    '--inspect=127.0.0.1:0',
    ...(FROM_SOURCE ? ['--conditions=tessera-source', '--import', 'tsx'] : []),
    MAIN, ...soakServerArgs(options.game, options.dir), ...(options.args ?? []),
  ];
  // The IPC channel tells the server when the soak is gone, so that a killed soak leaves no server
  // behind. Its own process group: a Ctrl-C in the terminal stops the soak's bots, while the
  // server stays up to be settled, read and stopped.
  const child: ChildProcess = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let tail = '';
  let partial = '';
  let warnings = 0;
  let errors = 0;
  const first: string[] = [];
  let readyLine: string | undefined;
  let inspector: string | undefined;
  const onData = (data: Buffer): void => {
    const text = data.toString();
    tail = (tail + text).slice(-TAIL_BYTES);
    const lines = (partial + text).split('\n');
    partial = lines.pop()!.slice(-TAIL_BYTES);
    for (const line of lines) {
      const level = PROBLEM_LINE.exec(line)?.[1];
      if (level === 'warn') warnings++;
      if (level === 'error') errors++;
      if (level && first.length < KEPT_PROBLEMS) first.push(line.slice(0, 400));
      if (readyLine === undefined && line.includes(READY)) readyLine = line;
      inspector ??= inspectorUrlIn(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const ready = await new Promise<{ login: string; http: string }>((resolve, reject) => {
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`soak server ${why}:\n${tail.slice(-3000)}`));
    };
    const timer = options.clock.setTimer(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const check = (): void => {
      if (readyLine === undefined || inspector === undefined) return;
      options.clock.clearTimer(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      resolve(JSON.parse(readyLine.slice(readyLine.indexOf(READY) + READY.length - 1)) as { login: string; http: string });
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then((code) => {
      options.clock.clearTimer(timer);
      reject(new Error(`soak server exited with ${code} before it was ready:\n${tail.slice(-3000)}`));
    });
  });
  return {
    pid: child.pid!,
    login: ready.login,
    health: ready.http,
    inspector: inspector!,
    tail: () => tail,
    problems: () => ({ warnings, errors, first: [...first] }),
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
