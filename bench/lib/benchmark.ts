import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One measured figure: a value and its unit, e.g. `{ value: 1.2e6, unit: 'ops/s' }`. */
export interface Figure {
  value: number;
  unit: string;
  /** Whether a larger value is better (ops/s) or worse (ms); decides how ratios read. */
  better: 'higher' | 'lower';
}

/** A comparison of one of ours against the baseline measured in the same run. */
export interface Comparison {
  /** Key into `figures` for our measurement. */
  ours: string;
  /** Key into `baseline` for the reference measurement. */
  baseline: string;
}

/** What a benchmark returns; the runner prints it and writes it as JSON. */
export interface BenchReport {
  /** Our figures, by name. */
  figures: Record<string, Figure>;
  /** The baseline's figures, measured in the same run, by name. */
  baseline: Record<string, Figure>;
  /** Pairs to print as ratios (ours / baseline for 'higher', baseline / ours for 'lower'). */
  compare: Comparison[];
  /** Free-form facts about the run: counts, sizes, backend versions. */
  params?: Record<string, string | number | boolean>;
}

/** How a benchmark is run: `npm run bench -- <name> --profile` sets `profileDir`. */
export interface BenchOptions {
  /**
   * Where a benchmark that starts a server process writes that process's CPU profile
   * (`node --cpu-prof`); undefined when no profile was asked for.
   */
  profileDir?: string;
}

/** A benchmark under `bench/`, run by `npm run bench -- <name>`. */
export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchReport>;
}

/** Speed relative to the baseline: > 1 means ours is better. */
export function ratio(ours: Figure, base: Figure): number {
  return ours.better === 'higher' ? ours.value / base.value : base.value / ours.value;
}

function formatValue(f: Figure): string {
  const v = Math.abs(f.value) >= 100 ? f.value.toFixed(0) : f.value.toPrecision(3);
  return `${Number(v).toLocaleString('en-US')} ${f.unit}`;
}

/** Prints a report as aligned text. */
export function printReport(name: string, report: BenchReport): void {
  const lines: string[] = [`\n== ${name} ==`];
  if (report.params) {
    lines.push('  params: ' + Object.entries(report.params).map(([k, v]) => `${k}=${v}`).join(', '));
  }
  const width = Math.max(...[...Object.keys(report.figures), ...Object.keys(report.baseline)].map((k) => k.length), 8);
  for (const [k, f] of Object.entries(report.figures)) lines.push(`  ${k.padEnd(width)}  ${formatValue(f)}`);
  for (const [k, f] of Object.entries(report.baseline)) lines.push(`  ${('baseline ' + k).padEnd(width)}  ${formatValue(f)}`);
  for (const c of report.compare) {
    const ours = report.figures[c.ours];
    const base = report.baseline[c.baseline];
    if (!ours || !base) throw new Error(`bench ${name}: comparison names a missing figure (${c.ours} / ${c.baseline})`);
    lines.push(`  ratio ${c.ours} vs baseline ${c.baseline}: ${ratio(ours, base).toFixed(2)}x`);
  }
  console.log(lines.join('\n'));
}

/** Writes a report to `<dir>/<name>.json` with the ratios and the machine it ran on. */
export async function writeReport(dir: string, name: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ratios = Object.fromEntries(
    report.compare.map((c) => [`${c.ours}/${c.baseline}`, ratio(report.figures[c.ours]!, report.baseline[c.baseline]!)]),
  );
  const file = join(dir, `${name}.json`);
  const body = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...report,
    ratios,
  };
  await writeFile(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}

/** Runs `fn` and returns how long it took in milliseconds. */
export async function timeIt(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
