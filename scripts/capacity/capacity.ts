/**
 * `npm run capacity -- --ccu <players> [--msgs-per-player 2] [--results bench/results]
 * [--<assumption> <value> ...]`: sizes a deployment from the benchmarks' JSON results
 * (capacity-model.ts) and prints it with every figure and assumption it used. Exit code 0 with a
 * plan, 1 when a result is missing or unusable (named on standard error), 2 for bad arguments.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ASSUMPTIONS, defaultAssumptions, type AssumptionName, type Assumptions } from './assumptions.js';
import { readBenchInputs } from './bench-inputs.js';
import { planCapacity } from './capacity-model.js';
import { CapacityError } from './errors.js';
import { formatPlan } from './print-plan.js';

const USAGE = 'usage: npm run capacity -- --ccu <players> [--msgs-per-player 2] [--results bench/results] [--<assumption> <value> ...]';

/** The default results folder: bench/results/ of this checkout. */
export const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results', import.meta.url));

/** What the command line asks for. */
export interface CapacityArgs {
  readonly ccu: number;
  readonly results: string;
  readonly assumptions: Assumptions;
  /** The assumptions given on the command line. */
  readonly set: ReadonlySet<string>;
}

function number(name: string, text: string, min: number, max: number | undefined): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || (max !== undefined && n > max)) {
    throw new CapacityError('CAPACITY_ERR_USAGE', `--${name} must be a number from ${min}${max === undefined ? '' : ` to ${max}`}, not ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * The command line read (the arguments after the script's name).
 * @throws CapacityError CAPACITY_ERR_USAGE naming what cannot be read.
 */
export function readCapacityArgs(argv: readonly string[]): CapacityArgs {
  const options = Object.fromEntries(['ccu', 'results', ...Object.keys(ASSUMPTIONS)].map((k) => [k, { type: 'string' as const }]));
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new CapacityError('CAPACITY_ERR_USAGE', err instanceof Error ? err.message : String(err));
  }
  if (values.ccu === undefined) throw new CapacityError('CAPACITY_ERR_USAGE', '--ccu is required');
  const ccu = number('ccu', values.ccu, 1, undefined);
  if (!Number.isInteger(ccu)) throw new CapacityError('CAPACITY_ERR_USAGE', `--ccu must be a whole number, not ${JSON.stringify(values.ccu)}`);
  const assumptions = defaultAssumptions();
  const set = new Set<string>();
  for (const [name, spec] of Object.entries(ASSUMPTIONS)) {
    const text = values[name];
    if (text === undefined) continue;
    assumptions[name as AssumptionName] = number(name, text, spec.min, 'max' in spec ? spec.max : undefined);
    set.add(name);
  }
  return { ccu, results: values.results ?? DEFAULT_RESULTS, assumptions, set };
}

/**
 * Runs the model the command line asks for, writing the plan to `out` and errors to `err`;
 * resolves with the exit code.
 */
export async function runCapacity(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  try {
    const args = readCapacityArgs(argv);
    const inputs = await readBenchInputs(args.results);
    out(formatPlan(planCapacity(args.ccu, inputs, args.assumptions), inputs, args.assumptions, args.set));
    return 0;
  } catch (e) {
    if (!(e instanceof CapacityError)) throw e;
    err(`capacity: ${e.message}\n`);
    if (e.code !== 'CAPACITY_ERR_USAGE') return 1;
    err(`${USAGE}\n`);
    return 2;
  }
}

// Run as a script (not when a test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCapacity(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}
