/**
 * Worker threads on the runner's own modules, from the TypeScript sources (tsx, vitest) and from
 * the build alike. A worker does not take tsx's loader from the command line, nor, from a test
 * runner, the `tessera-source` condition, so a worker on a `.ts` module (or one that imports a
 * TypeScript scenario) starts from a line of code that registers tsx first, with that condition set.
 */
import { Worker } from 'node:worker_threads';

/** The module `name` beside `base`: `.ts` when run from the sources, `.js` from the build. */
export function siblingModule(name: string, base: string): URL {
  return new URL(`./${name}${base.slice(base.lastIndexOf('.'))}`, base);
}

/** Whether `path` is a TypeScript module, which Node 20 loads only through tsx. */
export function isTypeScript(path: string): boolean {
  return /\.[cm]?tsx?$/.test(path);
}

// Flags that load code into a thread (tsx's loader, a test runner's hooks): a worker does not take
// them, and registers tsx itself when it needs it.
const LOADERS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/**
 * This process's Node flags for a worker (`--conditions`, `--cpu-prof`, `--enable-source-maps`…),
 * less those that load code, and `--conditions=tessera-source` when run from the sources.
 */
export function workerExecArgv(execArgv: readonly string[], fromSource: boolean): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const name = arg.split('=', 1)[0]!;
    if (LOADERS.has(name)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    flags.push(arg);
  }
  if (fromSource) flags.push('--conditions=tessera-source');
  return flags;
}

/**
 * Starts a worker thread on `entry` with `workerData`. tsx is registered in it first when `entry`
 * is TypeScript or `typescript` says the worker will import TypeScript (a scenario).
 * @throws Error when TypeScript must be loaded and tsx is not installed.
 */
export function startWorkerThread(entry: URL, workerData: unknown, options: { typescript?: boolean } = {}): Worker {
  const fromSource = isTypeScript(entry.pathname);
  const execArgv = workerExecArgv(process.execArgv, fromSource);
  if (!fromSource && !options.typescript) return new Worker(entry, { workerData, execArgv });
  let tsx: string;
  try {
    // Resolved here: eval'd code would resolve the package from the working directory instead.
    tsx = import.meta.resolve('tsx/esm/api');
  } catch (err) {
    throw new Error(`loading TypeScript in a worker thread needs tsx: npm install --save-dev tsx (${(err as Error).message})`);
  }
  const load = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(load, { eval: true, workerData, execArgv });
}
