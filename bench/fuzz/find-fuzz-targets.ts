/**
 * Finds the fuzz targets: every export that is a FuzzTarget (engine/testing/fuzz/fuzz-target.ts)
 * of every `*.fuzz.ts` file under the repository, outside node_modules/, dist/ and dot folders.
 * A new target joins `npm run fuzz` by being exported from such a file; nothing lists them.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FuzzTarget } from '../../engine/testing/fuzz/fuzz-target.js';
import type { TargetEntry } from './fuzz-in-worker.js';

const SKIPPED = new Set(['node_modules', 'dist', 'data', 'logs']);

/** Whether `value` has the shape of a FuzzTarget. */
export function isFuzzTarget(value: unknown): value is FuzzTarget<unknown> {
  const t = value as Partial<FuzzTarget<unknown>> | null;
  return typeof t === 'object' && t !== null && typeof t.name === 'string' && typeof t.description === 'string' && typeof t.check === 'function' && typeof t.arbitrary?.generate === 'function';
}

/** The `*.fuzz.ts` files under `root`, sorted. */
export async function findFuzzFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED.has(entry.name)) await walk(join(dir, entry.name));
      } else if (entry.name.endsWith('.fuzz.ts')) {
        found.push(join(dir, entry.name));
      }
    }
  };
  await walk(root);
  return found.sort();
}

/**
 * The targets exported by the `*.fuzz.ts` files under `root`, sorted by name.
 * @throws Error when two targets share a name (their saved failures would mix) or a file exports none.
 */
export async function findFuzzTargets(root: string): Promise<TargetEntry[]> {
  const entries: TargetEntry[] = [];
  for (const file of await findFuzzFiles(root)) {
    const moduleUrl = pathToFileURL(file).href;
    const exports = Object.entries((await import(moduleUrl)) as Record<string, unknown>).filter(([, value]) => isFuzzTarget(value));
    if (exports.length === 0) throw new Error(`fuzz: ${relative(root, file)} exports no fuzz target`);
    for (const [exportName, value] of exports) {
      const target = value as FuzzTarget<unknown>;
      const twin = entries.find((e) => e.name === target.name);
      if (twin) throw new Error(`fuzz: target name ${target.name} is exported twice (${twin.exportName} and ${exportName} in ${relative(root, file)})`);
      entries.push({ name: target.name, description: target.description, moduleUrl, exportName });
    }
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}
