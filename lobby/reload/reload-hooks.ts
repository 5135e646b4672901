/**
 * Module hooks (node:module `register()`) that let a lobby import its game again as a new module
 * graph, since ESM cannot unload a module. They run on the loader's own thread.
 *
 * - resolve: a file under a game's folder imported by a module whose URL carries the reload query
 *   (`?tessera-reload=N`) gets the same query, so that the whole game loads again; anything else
 *   (the engine's `tessera`, packages) resolves as before and is never loaded twice.
 * - load: every top-level class of a file under a game's folder is handed, once the module has
 *   run, to the process's class table (class-table.ts), and the module's binding is set to what
 *   it answers: the class already live under that file and name, if any. So new code that names
 *   `Health` reaches the live class, whose prototype the reload patches with the new methods.
 */
import { fileURLToPath } from 'node:url';

/** The query that marks a generation of a game's code. */
export const RELOAD_QUERY = 'tessera-reload';

/** What {@link initialize} gets from `register()`: the games' folders, as absolute paths ending in `/`. */
export interface ReloadHooksData {
  roots: string[];
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean };

let roots: readonly string[] = [];

/** Takes the games' folders. */
export function initialize(data: ReloadHooksData): void {
  roots = data.roots;
}

function underRoot(url: string): boolean {
  if (!url.startsWith('file:')) return false;
  const path = fileURLToPath(url.split('?')[0]!);
  return roots.some((root) => path.startsWith(root)) && !path.includes('/node_modules/');
}

/** Copies the parent's reload query onto a child under a game's folder. */
export async function resolve(specifier: string, context: { parentURL?: string }, next: (specifier: string, context: unknown) => Promise<Resolved>): Promise<Resolved> {
  const resolved = await next(specifier, context);
  const parent = context.parentURL;
  if (!parent || !parent.includes(`${RELOAD_QUERY}=`) || !underRoot(resolved.url)) return resolved;
  const generation = new URL(parent).searchParams.get(RELOAD_QUERY);
  if (generation === null) return resolved;
  const url = new URL(resolved.url);
  url.searchParams.set(RELOAD_QUERY, generation);
  return { ...resolved, url: url.href };
}

// A class declaration, as TypeScript emits it (one a line) and esbuild (minified, after `;` or `}`).
// One inside a function matches too: its binding is guarded below, since it is not in scope there.
const CLASS_DECLARATION = /(?:^|[;{}\s])(?:export\s+(?:default\s+)?)?class\s+([A-Za-z_$][\w$]*)/g;
const SOURCE_MAP = /\n\/\/# sourceMappingURL=[^\n]*\s*$/;

/** Appends the class bindings to a game module's code. */
export async function load(url: string, context: unknown, next: (url: string, context: unknown) => Promise<Loaded>): Promise<Loaded> {
  const loaded = await next(url, context);
  if (loaded.format !== 'module' || loaded.source == null || !underRoot(url)) return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  const names = [...new Set([...source.matchAll(CLASS_DECLARATION)].map((match) => match[1]!))];
  if (names.length === 0) return { ...loaded, source };
  const table = `globalThis[Symbol.for('tessera.reload.classes')]`;
  // A name that is not a class binding of the module (a constant, a class inside a function) is left alone.
  const bindings = names.map((name) => `if (typeof ${name} === 'function') try { ${name} = ${table}?.keep(import.meta.url, ${JSON.stringify(name)}, ${name}) ?? ${name}; } catch {}`).join('\n');
  const map = SOURCE_MAP.exec(source);
  const code = map ? `${source.slice(0, map.index)}\n${bindings}${map[0]}` : `${source}\n${bindings}\n`;
  return { ...loaded, source: code };
}
