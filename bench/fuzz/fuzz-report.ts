/**
 * The long fuzz run's report: a line per target (inputs, inputs per second, largest heap, result),
 * the totals, and bench/results/fuzz.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetResult } from './fuzz-in-worker.js';

/** The whole run. */
export interface FuzzReport {
  minutes: number;
  targets: TargetResult[];
  /** Inputs checked by all targets. */
  runs: number;
  /** The largest heap any target's worker held (see TargetResult.heapMaxBytes). */
  heapMaxBytes: number;
  /** The runner process's peak resident memory, workers included. */
  maxRssBytes: number;
  failures: number;
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Sums up the targets' results. */
export function summarize(minutes: number, targets: TargetResult[]): FuzzReport {
  return {
    minutes,
    targets,
    runs: targets.reduce((sum, t) => sum + t.runs, 0),
    heapMaxBytes: Math.max(0, ...targets.map((t) => t.heapMaxBytes)),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    failures: targets.filter((t) => t.failure).length,
  };
}

/** One line for a target's result. */
export function formatTarget(t: TargetResult, width: number): string {
  const result = t.failure ? `FAILED (${t.failure.kind}${t.failure.shrunk ? ', shrunk' : ''}): ${t.failure.error.split('\n')[0]}${t.failure.file ? ` -> ${t.failure.file}` : ''}` : 'ok';
  return `  ${t.name.padEnd(width)}  ${String(t.runs).padStart(10)}  ${Math.round(t.inputsPerSecond).toLocaleString('en-US').padStart(9)}/s  ${mib(t.heapMaxBytes).padStart(7)} MiB  seed ${t.seed}  ${result}`;
}

/** Prints the report's totals. */
export function printTotals(report: FuzzReport): void {
  console.log(
    `\n  ${report.targets.length} targets, ${report.runs.toLocaleString('en-US')} inputs in ${report.minutes} min; largest heap ${mib(report.heapMaxBytes)} MiB, peak RSS ${mib(report.maxRssBytes)} MiB; ${report.failures} failed`,
  );
}

/** Writes the report to `<dir>/fuzz.json`; returns the file. */
export async function writeFuzzReport(dir: string, report: FuzzReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'fuzz.json');
  await writeFile(file, `${JSON.stringify({ name: 'fuzz', date: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, ...report }, null, 2)}\n`);
  return file;
}
