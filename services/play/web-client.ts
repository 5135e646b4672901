/**
 * Finds a game's web client: by convention the folder `web/` beside the game's module, holding
 * the script `main.ts` (or `main.js`) and, optionally, the page `index.html`. The game is named by
 * path as `lobby.game` names it (its folder, or a file in it), relative to the working directory,
 * else to the engine's root, as the lobby finds games and `npm run client` finds client scripts.
 */
import { basename, dirname, resolve } from 'node:path';
import { findModuleFile, isFile } from '../../engine/config/find-module-file.js';

/** The files of a game's web client. */
export interface WebClientFiles {
  /** The script's entry point, bundled for the browser. */
  script: string;
  /** The game's own page, when it ships one; else the engine's (play-page.ts). */
  page: string | undefined;
  /** A short name for the page title: the game's folder name. */
  title: string;
}

/** Script names tried in order: TypeScript first (esbuild compiles it, whatever runs the server), then its build. */
const SCRIPTS = ['main.ts', 'main.js'];

/**
 * The web client of the game at `game`, or undefined when it has none.
 * @param game a module path, as `lobby.game` takes it.
 * @param cwd where relative paths are looked up first (default: the working directory).
 * @returns the files, or `{ tried }`: every script path looked for, in order.
 */
export function findWebClient(game: string, cwd: string = process.cwd()): WebClientFiles | { tried: string[] } {
  const folderOf = (root: string): string => {
    const path = resolve(root, game);
    // `examples/arena/index.ts`, `examples/arena/index` (no extension) and `examples/arena` alike.
    return isFile(path) || isFile(`${path}.ts`) || isFile(`${path}.js`) ? dirname(path) : path;
  };
  const { file, tried } = findModuleFile((root) => SCRIPTS.map((name) => resolve(folderOf(root), 'web', name)), cwd);
  if (!file) return { tried };
  const web = dirname(file);
  const page = resolve(web, 'index.html');
  return { script: file, page: isFile(page) ? page : undefined, title: basename(dirname(web)) };
}
