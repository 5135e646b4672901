/**
 * Finds and imports the game a lobby runs, from a module path (`lobby.game`, `--game`): a file or
 * folder of the game's own repository, or a package name. The module's default export (or its
 * export named `game`) must be what `defineGame` returned.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineGame, type GameDefinition } from './define-game.js';

// From TypeScript sources (tsx, vitest) a game's .ts files load too; from the build only .js.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SUFFIXES = FROM_SOURCE ? ['', '.ts', '/index.ts', '.js', '/index.js'] : ['', '.js', '/index.js'];
/** The folder the engine runs from: the repository root, or `dist/` in a build. */
const ENGINE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Options for {@link loadGame}. */
export interface LoadGameOptions {
  /** Where relative paths are looked up first (default: the working directory); then the engine's root. */
  cwd?: string;
}

/**
 * Imports the game named by `spec`: a path (relative to the working directory, else to the
 * engine's root, so that `examples/arena` works from a checkout and from its build), with or
 * without its extension or `/index`; else a package name.
 * @throws Error naming the paths tried when nothing is found, or what `defineGame` finds wrong.
 */
export async function loadGame(spec: string, options: LoadGameOptions = {}): Promise<GameDefinition> {
  const file = findFile(spec, options.cwd ?? process.cwd());
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || spec.includes('/') && !spec.startsWith('@');
  if (!file && looksLikePath) throw new Error(`game ${JSON.stringify(spec)} not found: no such file or folder with an index (${SUFFIXES.filter(Boolean).join(', ')})`);
  const module = (await import(file ? pathToFileURL(file).href : spec)) as { default?: unknown; game?: unknown };
  const game = module.default ?? module.game;
  if (typeof game !== 'object' || game === null) throw new Error(`game ${JSON.stringify(spec)}: the module exports no game (export default defineGame({...}))`);
  return defineGame(game as GameDefinition);
}

function findFile(spec: string, cwd: string): string | undefined {
  const roots = isAbsolute(spec) ? [''] : [cwd, ENGINE_ROOT];
  for (const root of roots) {
    for (const suffix of SUFFIXES) {
      const candidate = resolve(root, spec + suffix);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
}
