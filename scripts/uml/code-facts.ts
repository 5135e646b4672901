/**
 * What the code holds that a diagram may name: its files and folders, who imports whom, which
 * backend clients each file uses, the RPC services with their methods (all read from the sources
 * as text) and the error codes of the catalogues.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { findErrorCatalogues } from '../../engine/errors/error-catalogues.js';

// Folders that hold no source of the engine's (built output, data, dependencies, test scratch).
const SKIP = new Set(['node_modules', 'dist', 'data', 'logs', '.git', '.tools', '.tmp']);

/** One import of a non-test source file: a repository path (relative import) or a package name. */
export interface ImportEdge {
  /** The importing file, relative to the repository root. */
  from: string;
  /** The imported file (relative to the root), or the package name for a bare specifier. */
  to: string;
  /** Whether `to` is a package rather than a file of ours. */
  external: boolean;
}

/** What the code holds, as {@link readCodeFacts} finds it. */
export interface CodeFacts {
  /** Whether a path (file or folder, relative to the root) exists. */
  exists(path: string): boolean;
  /** Every import of every non-test source file. */
  imports: ImportEdge[];
  /** RPC service name → the methods declared for it (a `*_METHODS` list beside its `*_SERVICE`). */
  rpc: Map<string, Set<string>>;
  /** The error codes of every catalogue, retired ones left out. */
  errorCodes: Set<string>;
}

const isTest = (file: string): boolean => /\.test\.ts$|\.contract\.ts$/.test(file) || /(^|\/)fixtures\//.test(file);

function sources(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIP.has(entry.name) || (dir === '' && entry.name === 'bench')) continue;
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...sources(root, path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((spec) => {
    if (!spec.startsWith('.')) return { from: file, to: packageOf(spec), external: true };
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    return { from: file, to: target, external: false };
  });
}

/**
 * Pairs each `export const X_SERVICE = 'name'` with the `export const X_..._METHODS = [...] as
 * const` lists whose constant names start with `X_` (GATE_SERVICE takes GATE_METHODS and
 * GATE_PEER_METHODS).
 */
function rpcCatalogue(texts: string[]): Map<string, Set<string>> {
  const services = texts.flatMap((t) => [...t.matchAll(/^export const (\w+)_SERVICE = '([\w-]+)'/gm)].map((m) => ({ prefix: m[1]!, name: m[2]! })));
  const lists = texts.flatMap((t) =>
    [...t.matchAll(/^export const (\w+)_METHODS = \[([^\]]*)\] as const/gm)].map((m) => ({
      constant: m[1]!,
      methods: [...m[2]!.matchAll(/'([\w-]+)'/g)].map((x) => x[1]!),
    })),
  );
  const catalogue = new Map<string, Set<string>>();
  for (const { prefix, name } of services) {
    const methods = catalogue.get(name) ?? new Set<string>();
    for (const list of lists) if (list.constant === prefix || list.constant.startsWith(`${prefix}_`)) list.methods.forEach((m) => methods.add(m));
    catalogue.set(name, methods);
  }
  return catalogue;
}

/**
 * Reads the facts of the repository at `root`: its non-test TypeScript sources outside bench/
 * (benchmarks draw nothing of the engine's shape), their imports, the RPC contracts and the error
 * catalogues (which are loaded, as `npm run docs:errors` loads them).
 */
export async function readCodeFacts(root: string): Promise<CodeFacts> {
  const files = sources(root, '').filter((f) => !isTest(f));
  const texts = files.map((f) => readFileSync(join(root, f), 'utf8'));
  const catalogues = await findErrorCatalogues(root);
  return {
    exists: (path) => existsSync(join(root, path)),
    imports: files.flatMap((f) => importsOf(root, f)),
    rpc: rpcCatalogue(texts),
    errorCodes: new Set(catalogues.flatMap((c) => c.codes.filter((code) => !code.retired).map((code) => code.code))),
  };
}
