/**
 * The layering rules the engine keeps: a game is a module the engine loads, never code the
 * engine imports, and the engine's base layer does not reach up into the roles built on it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
// .tmp/ holds what tests write while they run (copies of games among them).
const SKIP = new Set(['node_modules', 'dist', 'data', 'logs', '.git', '.tools', '.tmp']);

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(path));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) found.push(relative(ROOT, path));
  }
  return found;
}

/** Every module specifier a file imports or re-exports, dynamic imports of literals included. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

const offenders = (files: string[], bad: (specifier: string, file: string) => boolean): string[] =>
  files.flatMap((file) => imports(file).filter((spec) => bad(spec, file)).map((spec) => `${file} imports ${spec}`));

describe('layering', () => {
  const all = sources(ROOT);

  it('reads the whole tree, examples and engine included (else the rules below would hold of nothing)', () => {
    expect(all).toEqual(expect.arrayContaining(['index.ts', 'lobby/lobby-module.ts', 'engine/ecs/entity.ts', 'examples/arena/index.ts', 'examples/inventory/index.ts']));
  });

  it('imports nothing from examples/ outside examples/, but in tests and benchmarks of the games running on the engine', () => {
    // A test (or its fixture) or a benchmark may play a game and read its types and rules; the engine may not.
    const isTest = (file: string): boolean => file.endsWith('.test.ts') || file.startsWith('fixtures/') || file.includes('/fixtures/') || file.startsWith('bench/');
    const outside = all.filter((file) => !file.startsWith('examples/') && !isTest(file));
    expect(offenders(outside, (spec) => /(^|\/)examples\//.test(spec))).toEqual([]);
  });

  it('keeps engine/ free of imports from the roles and tools built on it', () => {
    const engine = all.filter((file) => file.startsWith('engine/'));
    expect(offenders(engine, (spec) => /^(\.\.\/)+(gate|lobby|services|client-sim|examples)\//.test(spec) || spec === 'tessera' || spec.startsWith('tessera/'))).toEqual([]);
  });

  it('has the examples use the public entry points only', () => {
    const examples = all.filter((file) => file.startsWith('examples/'));
    expect(offenders(examples, (spec) => spec.startsWith('../../') || /^(\.\.\/)+(engine|gate|lobby|services|client-sim)\//.test(spec))).toEqual([]);
  });
});
