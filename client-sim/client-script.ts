/**
 * A game's client script: what `npm run client -- --game <folder>` plays once it has logged a
 * player in and connected. By convention it is the file `client.ts` (`client.js` in a build) in
 * the game's folder, whose default export is `async (client, log) => { … }`. The engine imports
 * no game: the script is loaded from the path given at run time.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { GateClient } from './gate-client.js';

/**
 * Plays a game from a connected, authenticated client: requests, notifies, pushes. `log` prints
 * one line for the person watching. Resolves when the round is over; the runner closes the client.
 */
export type ClientScript = (client: GateClient, log: (line: string) => void) => Promise<void>;

// From TypeScript sources (tsx, vitest) a script's .ts file loads too; from the build only .js.
const FILES = import.meta.url.endsWith('.ts') ? ['client.ts', 'client.js'] : ['client.js'];
/** The folder the engine runs from: the repository root, or `dist/` in a build. */
const ENGINE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Finds and imports the client script of the game at `game`: its folder, or a file in it (its
 * `index.ts`), relative to `cwd` (default: the working directory), else to the engine's root (so
 * that `examples/arena` works from a checkout and from its build), as the lobby finds games.
 * @throws Error naming the files tried when there is none, or when its default export is not a function.
 */
export async function loadClientScript(game: string, cwd: string = process.cwd()): Promise<ClientScript> {
  const tried: string[] = [];
  for (const root of [cwd, ENGINE_ROOT]) {
    const path = resolve(root, game);
    const folder = existsSync(path) && statSync(path).isFile() ? dirname(path) : path;
    for (const name of FILES) {
      const file = resolve(folder, name);
      if (!existsSync(file)) {
        tried.push(file);
        continue;
      }
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      if (typeof module.default !== 'function') throw new Error(`${file}: the default export must be the script, async (client, log) => { … }`);
      return module.default as ClientScript;
    }
  }
  throw new Error(`game ${JSON.stringify(game)} has no client script: none of ${[...new Set(tried)].join(', ')} exists`);
}
