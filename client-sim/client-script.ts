/**
 * A game's client script: what `npm run client -- --game <folder>` plays once it has logged a
 * player in and connected. By convention it is the file `client.ts` (`client.js` in a build) in
 * the game's folder, whose default export is `async (client, log) => { … }`. The engine imports
 * no game: the script is loaded from the path given at run time.
 */
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findModuleFile, FROM_SOURCE, isFile } from '../engine/config/find-module-file.js';
import type { GateClient } from './gate-client.js';

/**
 * Plays a game from a connected, authenticated client: requests, notifies, pushes. `log` prints
 * one line for the person watching. Resolves when the round is over; the runner closes the client.
 */
export type ClientScript = (client: GateClient, log: (line: string) => void) => Promise<void>;

const FILES = FROM_SOURCE ? ['client.ts', 'client.js'] : ['client.js'];

/**
 * Finds and imports the client script of the game at `game`: its folder, or a file in it (its
 * `index.ts`), relative to `cwd` (default: the working directory), else to the engine's root (so
 * that `examples/arena` works from a checkout and from its build), as the lobby finds games.
 * @throws Error naming the files tried when there is none, or when its default export is not a function.
 */
export async function loadClientScript(game: string, cwd: string = process.cwd()): Promise<ClientScript> {
  const { file, tried } = findModuleFile((root) => {
    const path = resolve(root, game);
    const folder = isFile(path) ? dirname(path) : path;
    return FILES.map((name) => resolve(folder, name));
  }, cwd);
  if (!file) throw new Error(`game ${JSON.stringify(game)} has no client script: none of ${tried.join(', ')} exists`);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (typeof module.default !== 'function') throw new Error(`${file}: the default export must be the script, async (client, log) => { … }`);
  return module.default as ClientScript;
}
