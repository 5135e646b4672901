/**
 * Finds the engine's error catalogues as they are, for the tools that must cover every one of
 * them: the generated reference (docs/errors.md) and the test that every code is raised by a test.
 * A catalogue is an export of a `errors.ts` or `*-errors.ts` file (outside `examples/`: a game's
 * codes are its own) that maps codes (`AREA_ERR_*`) to entries with a `message` and a `when`, and
 * a `wire` number where the area's errors cross the wire. Nothing is listed by hand, so a new
 * catalogue or code is covered the moment it exists. A code that is no longer raised but once
 * crossed the wire stays on record in a table of its own whose entries say `retired: true`
 * (`LOBBY_RETIRED_ERRORS`): it joins the module's catalogue of the same prefix, marked retired,
 * so that neither its code nor its number is used again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The shape of a code in any catalogue. */
export const ERROR_CODE = /^[A-Z][A-Z0-9]*_ERR_[A-Z0-9_]+$/;

/** Folders never searched: dependencies, build output, what tests and servers write, and the games. */
const SKIP = new Set(['node_modules', 'dist', 'data', 'logs', 'examples']);

/** One code of a catalogue, as the docs show it. */
export interface DiscoveredCode {
  readonly code: string;
  readonly wire: number | undefined;
  readonly message: string;
  /** When the code is raised; empty when the entry has none (a problem {@link catalogueProblems} reports). */
  readonly when: string;
  /** Other ways tests may name it: `CONFIG_ERRORS.INVALID` for a table of codes by key. */
  readonly aliases: readonly string[];
  /** No longer raised: kept on record so that its code and number are never used again. */
  readonly retired: boolean;
}

/** One catalogue: the file and export it lives in, and its codes in catalogue order. */
export interface DiscoveredCatalogue {
  /** Path from the repository root, with forward slashes: `gate/errors.ts`. */
  readonly file: string;
  /** The export's name: `GATE_ERRORS`. */
  readonly name: string;
  readonly codes: readonly DiscoveredCode[];
}

/**
 * Every file under `root` whose name ends in `suffix`, as sorted paths from `root` with forward
 * slashes, skipping hidden folders and those in {@link SKIP}.
 */
export function filesEndingIn(root: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(suffix)) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return found.sort();
}

/** The catalogue files: `errors.ts` and `*-errors.ts`, tests aside. */
export function catalogueFiles(root: string): string[] {
  return filesEndingIn(root, 'errors.ts').filter((file) => /(^|\/|-)errors\.ts$/.test(file));
}

/** A code's prefix, such as `GATE_ERR_`. */
export const prefixOf = (code: string): string => /^[A-Z0-9]*_ERR_/.exec(code)?.[0] ?? code;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Imports every catalogue file under `root` and returns its catalogues, files in path order and
 * exports in source order. A file whose text names no `_ERRORS` table is not imported.
 * @throws Error when a module's `*_ERRORS` table of codes by key names a code that none of the
 *   module's catalogues holds (its codes would have no message, no `when` and no docs row), or a
 *   table of retired codes has no catalogue of the same prefix to join.
 */
export async function findErrorCatalogues(root: string): Promise<DiscoveredCatalogue[]> {
  const found: DiscoveredCatalogue[] = [];
  for (const file of catalogueFiles(root)) {
    if (!readFileSync(join(root, file), 'utf8').includes('_ERRORS')) continue;
    const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    const aliases = aliasesIn(module);
    const catalogues = withRetired(file, tablesOf(file, module, aliases));
    const held = new Set(catalogues.flatMap((c) => c.codes.map((e) => e.code)));
    const orphans = [...aliases.keys()].filter((code) => !held.has(code));
    if (orphans.length > 0) throw new Error(`${file}: ${orphans.join(', ')} named by a table of codes but in no catalogue of the module`);
    found.push(...catalogues);
  }
  return found;
}

/** The module's exports that map codes to entries, in source order. */
function tablesOf(file: string, module: Record<string, unknown>, aliases: Map<string, string[]>): DiscoveredCatalogue[] {
  const tables: DiscoveredCatalogue[] = [];
  for (const [name, value] of Object.entries(module)) {
    if (!isRecord(value)) continue;
    const keys = Object.keys(value);
    if (keys.length === 0 || !keys.every((key) => ERROR_CODE.test(key)) || !Object.values(value).every(isRecord)) continue;
    const codes = Object.entries(value as Record<string, Record<string, unknown>>).map(([code, entry]): DiscoveredCode => ({
      code,
      wire: typeof entry.wire === 'number' ? entry.wire : undefined,
      message: typeof entry.message === 'string' ? entry.message : '',
      when: typeof entry.when === 'string' ? entry.when : '',
      aliases: aliases.get(code) ?? [],
      retired: entry.retired === true,
    }));
    tables.push({ file, name, codes });
  }
  return tables;
}

/** The live tables, each with the retired codes of its prefix joined to it in number order. */
function withRetired(file: string, tables: readonly DiscoveredCatalogue[]): DiscoveredCatalogue[] {
  const isRetired = (t: DiscoveredCatalogue): boolean => t.codes.every((c) => c.retired);
  const samePrefix = (a: DiscoveredCatalogue, b: DiscoveredCatalogue): boolean => prefixOf(a.codes[0]!.code) === prefixOf(b.codes[0]!.code);
  const live = tables.filter((t) => !isRetired(t));
  const retired = tables.filter(isRetired);
  const orphaned = retired.filter((t) => !live.some((c) => samePrefix(c, t)));
  if (orphaned.length > 0) throw new Error(`${file}: ${orphaned.map((t) => t.name).join(', ')} retire codes of no catalogue in the module`);
  return live.map((catalogue) => {
    const kept = retired.filter((t) => samePrefix(t, catalogue)).flatMap((t) => t.codes);
    return kept.length === 0 ? catalogue : { ...catalogue, codes: [...catalogue.codes, ...kept].sort((a, b) => (a.wire ?? 0) - (b.wire ?? 0)) };
  });
}

/** `TABLE.KEY` for every code a module's `*_ERRORS` table of codes by key holds (the config's). */
function aliasesIn(module: Record<string, unknown>): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const [name, value] of Object.entries(module)) {
    if (!name.endsWith('_ERRORS') || !isRecord(value)) continue;
    for (const [key, code] of Object.entries(value)) {
      if (typeof code === 'string' && ERROR_CODE.test(code)) aliases.set(code, [...(aliases.get(code) ?? []), `${name}.${key}`]);
    }
  }
  return aliases;
}

/**
 * What is wrong with the catalogues as a whole, one line each: an entry without a message or a
 * `when`, a wire number used twice in a catalogue, and a code in two catalogues.
 * @param catalogues as {@link findErrorCatalogues} found them.
 */
export function catalogueProblems(catalogues: readonly DiscoveredCatalogue[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { file, name, codes } of catalogues) {
    const wires = new Map<number, string>();
    for (const { code, wire, message, when } of codes) {
      const where = `${file} ${name}.${code}`;
      if (!message) problems.push(`${where} has no message`);
      if (!when.trim()) problems.push(`${where} has no "when": say when the code is raised`);
      if (wire !== undefined && wires.has(wire)) problems.push(`${where} reuses wire ${wire} of ${wires.get(wire)}`);
      if (wire !== undefined) wires.set(wire, code);
      if (seen.has(code)) problems.push(`${where} is also in ${seen.get(code)}`);
      seen.set(code, `${file} ${name}`);
    }
  }
  return problems;
}
