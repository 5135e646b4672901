/**
 * `npm run fuzz -- --minutes N [--target name]... [--seed n] [--hang-ms n] [--max-heap-mb n]`:
 * runs every fuzz target (every FuzzTarget exported by a `*.fuzz.ts` file), one after another in a
 * worker thread each, sharing the time equally; prints inputs per second and the largest heap per
 * target and overall, saves failing inputs under bench/fuzz-failures/<target>/ (replayed by the
 * target's CI test from then on), writes bench/results/fuzz.json, and exits 1 when any failed.
 * docs/fuzzing.md says more.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findFuzzTargets } from './find-fuzz-targets.js';
import { fuzzInWorker, type TargetResult } from './fuzz-in-worker.js';
import { formatTarget, printTotals, summarize, writeFuzzReport } from './fuzz-report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, not ${text}`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      target: { type: 'string', multiple: true },
      seed: { type: 'string' },
      'hang-ms': { type: 'string' },
      'max-heap-mb': { type: 'string' },
    },
  });
  const minutes = positive('minutes', values.minutes, 1);
  const hangMs = positive('hang-ms', values['hang-ms'], 2_000);
  const maxHeapMb = positive('max-heap-mb', values['max-heap-mb'], 256);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);
  const all = await findFuzzTargets(ROOT);
  const unknown = (values.target ?? []).filter((name) => !all.some((t) => t.name === name));
  if (unknown.length > 0) {
    console.error(`unknown fuzz target(s): ${unknown.join(', ')}; available: ${all.map((t) => t.name).join(', ')}`);
    return 2;
  }
  const targets = values.target ? all.filter((t) => values.target!.includes(t.name)) : all;
  const seconds = (minutes * 60) / targets.length;
  const width = Math.max(...targets.map((t) => t.name.length));
  console.log(`fuzzing ${targets.length} targets for ${minutes} min, ${seconds.toFixed(1)} s each\n  ${'target'.padEnd(width)}  ${'inputs'.padStart(10)}  ${'inputs/s'.padStart(11)}  ${'heap'.padStart(11)}`);
  const results: TargetResult[] = [];
  for (const target of targets) {
    const result = await fuzzInWorker(target, { seconds, seed: seed ?? randomInt(2 ** 31), hangMs, maxHeapMb });
    console.log(formatTarget(result, width));
    results.push(result);
  }
  const report = summarize(minutes, results);
  printTotals(report);
  console.log(`  written to ${await writeFuzzReport(fileURLToPath(new URL('../results/', import.meta.url)), report)}`);
  return report.failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
