/**
 * What the scaling benchmark makes of its steps: for each count of servers, the sustained rate,
 * what the last server added and its ratio to what the first one did (1.0: each added server
 * does as much as the first), the rate over n times the first's, the CPU of every process, and
 * the limit of the step named from those figures ({@link limitOf}).
 */
import { BUSY_WORKER_MS } from '../../client-sim/bots/progress-display.js';
import { MACHINE } from './cpu-use.js';
import type { StepResult } from './scaling-step.js';

/** A capped set of servers using at least this share of their quota is held by the quota. */
const AT_QUOTA = 0.9;
/** The machine is full when its processes use at least this share of its cores. */
const MACHINE_FULL = 0.9;
/** A single process near one full core is a bottleneck of its own (etcd, Redis, FerretDB are mostly one thread). */
const ONE_CORE = 0.9;

/** One line of the table. */
export interface ScalingRow {
  role: 'lobby' | 'gate';
  servers: number;
  requestsPerSecond: number;
  /** What the last server added: this step's rate less the step before's (the first step: its rate). */
  addedPerSecond: number;
  /** `addedPerSecond` over the first step's rate. */
  addedRatio: number;
  /** The rate over `servers` times the first step's rate. */
  efficiency: number;
  errorRate: number;
  /** The bots' worst event-loop delay, ms. */
  botLoopDelayMs: number;
  /** Cores each set of processes used. */
  cores: Record<string, number>;
  throttled: number;
  /** Whether the measured servers used all their quota ({@link atQuota}). */
  atQuota: boolean;
  limit: string;
}

function top(cores: Record<string, number>, skip: readonly string[] = []): [string, number] {
  return Object.entries(cores).filter(([name]) => name !== MACHINE && !skip.includes(name)).sort((a, b) => b[1] - a[1])[0] ?? ['nothing', 0];
}

/** The measured servers' name in the CPU readings, their quota together and the cores they used. */
function quotaUse(result: StepResult): { capped: 'lobbies' | 'gates'; quota: number; used: number } {
  const capped = result.plan.capped === 'lobby' ? 'lobbies' : 'gates';
  const count = result.plan.capped === 'lobby' ? result.plan.lobbies : result.plan.gates;
  return { capped, quota: count * result.plan.coresEach, used: result.cores[capped] ?? 0 };
}

/** Whether the measured servers used (nearly) all of their quota: nothing else held them back. */
export function atQuota(result: StepResult): boolean {
  const { quota, used } = quotaUse(result);
  return used >= AT_QUOTA * quota;
}

/**
 * What held a step's rate: the capped servers' quota (what the benchmark means to measure), the
 * machine (its cores all busy: the quota was not reached), one backend or server process at a
 * full core, the bots when their event loop fell behind, or, failing those, the process set that
 * used the most (the loop's latency then holds the rate: too few requests in flight).
 * @param machineCores the cores of the machine the step ran on.
 */
export function limitOf(result: StepResult, machineCores: number): string {
  const { capped, quota, used } = quotaUse(result);
  if (atQuota(result)) return `the ${capped}' quota (${used.toFixed(2)} of ${quota.toFixed(2)} cores, held back in ${Math.round(result.throttled * 100)}% of periods)`;
  const ours = Object.entries(result.cores).reduce((sum, [name, c]) => (name === MACHINE ? sum : sum + c), 0);
  const busy = result.cores[MACHINE] ?? ours;
  const others = busy > ours ? `, other processes ${(busy - ours).toFixed(2)}` : '';
  const [name, cores] = top(result.cores);
  if (busy >= MACHINE_FULL * machineCores) return `the machine (${busy.toFixed(2)} of ${machineCores} cores busy: most by ${name}, ${cores.toFixed(2)}${others}); the ${capped} got ${used.toFixed(2)} of their ${quota.toFixed(2)}`;
  const single = top(result.cores, [capped, 'bots', 'gates', 'lobbies']);
  if (single[1] >= ONE_CORE) return `${single[0]} (${single[1].toFixed(2)} cores, about all one thread does)`;
  if (result.botLoopDelayMs > BUSY_WORKER_MS) return `the bots (their event loop ${result.botLoopDelayMs.toFixed(0)} ms behind at worst); the ${capped} used ${used.toFixed(2)} of ${quota.toFixed(2)} cores`;
  return `not found: the ${capped} used ${used.toFixed(2)} of ${quota.toFixed(2)} cores and the machine ${busy.toFixed(2)} of ${machineCores}; most by ${name} (${cores.toFixed(2)})${others}`;
}

/** The table's rows, one per step, in the order of `results` (each role's counts ascending). */
export function scalingRows(results: readonly StepResult[], machineCores: number): ScalingRow[] {
  const rows: ScalingRow[] = [];
  for (const role of ['lobby', 'gate'] as const) {
    const steps = results.filter((r) => r.plan.capped === role);
    const first = steps[0]?.requestsPerSecond ?? 0;
    steps.forEach((result, i) => {
      const servers = role === 'lobby' ? result.plan.lobbies : result.plan.gates;
      const before = i === 0 ? 0 : steps[i - 1]!.requestsPerSecond;
      const added = result.requestsPerSecond - before;
      rows.push({
        role,
        servers,
        requestsPerSecond: result.requestsPerSecond,
        addedPerSecond: added,
        addedRatio: first > 0 ? added / first : 0,
        efficiency: first > 0 ? result.requestsPerSecond / (servers * first) : 0,
        errorRate: result.errorRate,
        botLoopDelayMs: result.botLoopDelayMs,
        cores: result.cores,
        throttled: result.throttled,
        atQuota: atQuota(result),
        limit: limitOf(result, machineCores),
      });
    });
  }
  return rows;
}

/** The processes in the CPU columns, in this order, then the whole machine (with whatever else runs on it). */
export const CPU_COLUMNS = ['lobbies', 'gates', 'services', 'etcd', 'redis', 'ferretdb', 'bots', MACHINE] as const;

/** `1 lobby`, `3 lobbies`, `2 gates`. */
export function serversLabel(row: Pick<ScalingRow, 'role' | 'servers'>): string {
  const plural = row.role === 'lobby' ? 'lobbies' : 'gates';
  return `${row.servers} ${row.servers === 1 ? row.role : plural}`;
}

/** The table as text lines: one row per step, then each step's limit. */
export function formatScalingTable(rows: readonly ScalingRow[]): string[] {
  const header = ['servers', 'req/s', 'added', 'added/first', 'rate/(n*first)', 'errors', 'bots ms', 'throttled', ...CPU_COLUMNS.map((c) => `${c} cpu`)];
  const cells = rows.map((row) => [
    serversLabel(row),
    row.requestsPerSecond.toFixed(0),
    row.addedPerSecond.toFixed(0),
    row.addedRatio.toFixed(2),
    row.efficiency.toFixed(2),
    `${(row.errorRate * 100).toFixed(2)}%`,
    row.botLoopDelayMs.toFixed(0),
    `${Math.round(row.throttled * 100)}%`,
    ...CPU_COLUMNS.map((c) => (row.cores[c] ?? 0).toFixed(2)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]): string => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line), '', ...rows.map((row) => `limit at ${serversLabel(row)}: ${row.limit}`)];
}

/** An added server doing less than this share of what the first did is where scaling stops. */
export const TARGET_ADDED_RATIO = 0.8;

/**
 * Where scaling of `role` stops: the first count whose added server did less than
 * {@link TARGET_ADDED_RATIO} of the first, with the limit of that step; or that it held up to
 * the most servers measured.
 */
export function stopsAt(rows: readonly ScalingRow[], role: ScalingRow['role']): string {
  const steps = rows.filter((row) => row.role === role);
  const stop = steps.find((row, i) => i > 0 && row.addedRatio < TARGET_ADDED_RATIO);
  if (stop) {
    const said = `at ${serversLabel(stop)}: the last one added ${stop.addedRatio.toFixed(2)} of the first; limit: ${stop.limit}`;
    if (!stop.atQuota) return said;
    // Every server had all its CPU: nothing shared held them; each did less with it.
    const each = stop.requestsPerSecond / stop.servers;
    return `${said}; with every server at its quota, each did ${each.toFixed(0)} req/s against ${steps[0]!.requestsPerSecond.toFixed(0)} for the first alone: a cost per request that grows with the cluster, or a machine too busy to measure it (see its CPU column)`;
  }
  const last = steps[steps.length - 1];
  return last ? `not within ${serversLabel(last)}: each added server did at least ${TARGET_ADDED_RATIO} of the first` : 'not measured';
}
