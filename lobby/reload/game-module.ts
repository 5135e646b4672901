/**
 * A game loaded from its module so that it can be loaded again: the first load registers the
 * module hooks (reload-hooks.ts) for the game's folder, and each later load imports the module
 * under a new reload query, which the hooks carry to every file of that folder, as a new module
 * graph. ESM cannot unload a module: every generation stays in memory.
 */
import { register } from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FROM_SOURCE } from '../../engine/config/find-module-file.js';
import { findGame, gameOf, type LoadGameOptions } from '../load-game.js';
import type { GameDefinition } from '../define-game.js';
import { ClassTable, type LoadedClasses } from './class-table.js';
import { RELOAD_QUERY, type ReloadHooksData } from './reload-hooks.js';

/** One generation of a game's code. */
export interface GameGeneration {
  game: GameDefinition;
  /** Its classes against the live ones; `commit()` makes the classes it adds live. */
  classes: LoadedClasses & { commit(): void };
}

/**
 * Whether this process imports modules through Node's loader, which the hooks need: from the
 * build always; from the sources under tsx only (a test runner's own loader never calls them).
 */
export function canReload(): boolean {
  return !FROM_SOURCE || process.execArgv.some((arg) => arg.includes('tsx'));
}

// A game installed as a package: its entry file's folder is its root. A loader that cannot say
// (a test runner's own) leaves the game loadable once only.
function resolvePackage(spec: string): string {
  try {
    return import.meta.resolve(spec);
  } catch {
    return spec;
  }
}

/** A game's module, loadable again. */
export class GameModule {
  private constructor(
    /** What `lobby.game` named. */
    readonly spec: string,
    /** The module's file URL. */
    readonly url: string,
    /** The game's folder: the module's own, with every file under it reloaded. */
    readonly root: string,
    /** The game as first loaded. */
    readonly game: GameDefinition,
  ) {}

  /**
   * Loads the game `spec` names (as `loadGame`), with the hooks registered first where the
   * process can reload it.
   * @throws Error as `loadGame`.
   */
  static async open(spec: string, options: LoadGameOptions = {}): Promise<GameModule> {
    const found = findGame(spec, options);
    const url = found.startsWith('file:') ? found : resolvePackage(found);
    const root = url.startsWith('file:') ? dirname(fileURLToPath(url)) + sep : '';
    // The hooks are the process's: each game folder is registered once, whatever loads it.
    const hooked = ClassTable.get().hookedRoots;
    if (root && canReload() && !hooked.has(root)) {
      hooked.add(root);
      const data: ReloadHooksData = { roots: [root] };
      register(new URL(FROM_SOURCE ? './reload-hooks.ts' : './reload-hooks.js', import.meta.url), pathToFileURL('./'), { data });
    }
    return new GameModule(spec, url, root, gameOf(await import(found), spec));
  }

  /** Whether {@link load} can give a new generation in this process. */
  get reloadable(): boolean {
    return this.root !== '' && ClassTable.get().hookedRoots.has(this.root);
  }

  /**
   * Imports generation `attempt` (unique per attempt: a module graph is cached by its URL) of the
   * game's code.
   * @throws Error when the process cannot reload, or what importing or checking the game throws.
   */
  async load(attempt: number): Promise<GameGeneration> {
    if (!this.reloadable) throw new Error('this process cannot reload its game: it does not load modules through Node\'s loader');
    const table = ClassTable.get();
    table.begin();
    try {
      const game = gameOf(await import(`${this.url}?${RELOAD_QUERY}=${attempt}`), this.spec);
      return { game, classes: table.finish() };
    } catch (err) {
      table.finish();
      throw err;
    }
  }
}
