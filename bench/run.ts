/**
 * Runs the benchmarks under bench/: `npm run bench` runs all, `npm run bench -- <name> [...]` some.
 * Each prints its figures beside a baseline measured in the same run and writes
 * bench/results/<name>.json. With `--profile`, a benchmark that starts a server process also
 * writes that process's CPU profile under bench/results/<name>-profile/ (open it in Chrome's
 * DevTools, Performance tab, or any `.cpuprofile` viewer).
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printReport, writeReport, type Benchmark } from './lib/benchmark.js';

const here = dirname(fileURLToPath(import.meta.url));

async function available(): Promise<string[]> {
  const files = await readdir(here);
  return files.filter((f) => f.endsWith('.bench.ts')).map((f) => f.slice(0, -'.bench.ts'.length)).sort();
}

async function main(): Promise<void> {
  const all = await available();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const profile = process.argv.includes('--profile');
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
    process.exit(2);
  }
  for (const name of wanted.length > 0 ? wanted : all) {
    const mod = (await import(join(here, `${name}.bench.ts`))) as { default: Benchmark };
    console.log(`running ${name}: ${mod.default.description}`);
    const report = await mod.default.run(profile ? { profileDir: join(here, 'results', `${name}-profile`) } : {});
    printReport(name, report);
    const file = await writeReport(join(here, 'results'), name, report);
    console.log(`  written to ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
