/**
 * Pins processes to CPU cores with `taskset`, so that a server under load and the load generator
 * driving it do not take turns on the same core: the server gets one core to itself and its
 * figures say what one core of it does.
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which core the server runs on and which the load generator runs on. */
export interface PinPlan {
  server: number;
  load: number;
}

/**
 * The cores to pin to: the server on core 0 and the load generator on core 1, or none (undefined)
 * when the machine has a single core or no `taskset`.
 * @param cores how many cores the machine has.
 * @param hasTaskset whether `taskset` can be run.
 */
export function planPinning(cores: number, hasTaskset: boolean): PinPlan | undefined {
  return cores >= 2 && hasTaskset ? { server: 0, load: 1 } : undefined;
}

/**
 * The core list of `taskset -c -p <pid>`'s answer, e.g. `pid 42's current affinity list: 0,1` → `0,1`.
 * @throws Error when the answer has no list.
 */
export function parseAffinityList(output: string): string {
  const match = /affinity list:\s*([0-9,-]+)\s*$/m.exec(output);
  if (!match) throw new Error(`not a taskset answer: ${output.trim()}`);
  return match[1]!;
}

/** Sets the cores of every thread of process `pid` (`taskset -a -c -p`); threads it starts later inherit them. */
export async function pinProcess(pid: number, cores: string | number): Promise<void> {
  await run('taskset', ['-a', '-c', '-p', String(cores), String(pid)]);
}

/** The core list process `pid` may run on now. */
export async function affinityOf(pid: number): Promise<string> {
  return parseAffinityList((await run('taskset', ['-c', '-p', String(pid)])).stdout);
}

/** The plan for this machine: {@link planPinning} with its core count and whether `taskset` runs. */
export async function pinningForThisMachine(): Promise<PinPlan | undefined> {
  const hasTaskset = await run('taskset', ['-V']).then(() => true, () => false);
  return planPinning(availableParallelism(), hasTaskset);
}

/**
 * Pins this process (the load generator) to `plan.load` for the time of a benchmark.
 * @returns a function that gives this process back the cores it had before.
 */
export async function pinSelf(plan: PinPlan): Promise<() => Promise<void>> {
  const before = await affinityOf(process.pid);
  await pinProcess(process.pid, plan.load);
  return () => pinProcess(process.pid, before);
}
