/**
 * Finds a module that configuration or the command line names by path (a game, its client
 * script): relative to the working directory first, else to the engine's own root, so that a path
 * such as `examples/arena` works from a checkout and from its build. Run from the TypeScript
 * sources (tsx, vitest), `.ts` files load too; from the build, only `.js`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Whether the engine runs from its TypeScript sources rather than from its build. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The folder the engine runs from: the repository root, or `dist/` in a build. */
export const ENGINE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Whether `path` is an existing file. */
export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * The first existing file among `candidates(root)`, for the working directory `cwd` and then the
 * engine's root as `root`.
 * @returns the file, or undefined, and every path tried in order (without repeats).
 */
export function findModuleFile(candidates: (root: string) => readonly string[], cwd: string): { file: string | undefined; tried: string[] } {
  const tried: string[] = [];
  for (const root of [cwd, ENGINE_ROOT]) {
    for (const candidate of candidates(root)) {
      if (isFile(candidate)) return { file: candidate, tried };
      if (!tried.includes(candidate)) tried.push(candidate);
    }
  }
  return { file: undefined, tried };
}
