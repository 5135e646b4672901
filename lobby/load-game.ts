/**
 * Finds and imports the game a lobby runs, from a module path (`lobby.game`, `--game`): a file or
 * folder of the game's own repository, or a package name. The module's default export (or its
 * export named `game`) must be what `defineGame` returned.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findModuleFile, FROM_SOURCE } from '../engine/config/find-module-file.js';
import { defineGame, type GameDefinition } from './define-game.js';

const SUFFIXES = FROM_SOURCE ? ['', '.ts', '/index.ts', '.js', '/index.js'] : ['', '.js', '/index.js'];

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
  return gameOf(await import(findGame(spec, options)), spec);
}

/**
 * The URL (or package name) to import for the game named by `spec`, found as {@link loadGame} does.
 * @throws Error naming the paths tried when `spec` looks like a path and nothing is found.
 */
export function findGame(spec: string, options: LoadGameOptions = {}): string {
  const { file, tried } = findModuleFile((root) => SUFFIXES.map((suffix) => resolve(root, spec + suffix)), options.cwd ?? process.cwd());
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || spec.includes('/') && !spec.startsWith('@');
  if (!file && looksLikePath) throw new Error(`game ${JSON.stringify(spec)} not found: none of ${tried.join(', ')} exists`);
  return file ? pathToFileURL(file).href : spec;
}

/**
 * The game a module imported from `spec` exports, checked.
 * @throws Error when the module exports no game, or what `defineGame` finds wrong.
 */
export function gameOf(module: { default?: unknown; game?: unknown }, spec: string): GameDefinition {
  const game = module.default ?? module.game;
  if (typeof game !== 'object' || game === null) throw new Error(`game ${JSON.stringify(spec)}: the module exports no game (export default defineGame({...}))`);
  return defineGame(game as GameDefinition);
}
