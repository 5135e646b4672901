/**
 * The measured inputs of the capacity model, read from the JSON the benchmarks write under
 * bench/results/ (bench/lib/benchmark.ts `writeReport`). Every figure keeps the file and name it
 * came from, so the printed plan can say where each number is from.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CapacityError } from './errors.js';

/** The benchmarks whose results the model reads, by file name under bench/results/. */
export const BENCH_RESULTS = ['gate', 'rpc', 'sync', 'store', 'cluster'] as const;

/** One of {@link BENCH_RESULTS}. */
export type BenchResultName = (typeof BENCH_RESULTS)[number];

/** A measured figure with its origin. */
export interface Measured {
  readonly value: number;
  readonly unit: string;
  /** `gate.json: tcp server CPU per message`. */
  readonly source: string;
  /** When the benchmark ran (ISO time from its file). */
  readonly date: string;
}

/** What the model reads from the benchmarks. */
export interface BenchInputs {
  /** Server CPU per TCP echo request, gate and lobby in one process (standalone). */
  readonly echoCpuUs: Measured;
  /** Memory of one idle client connection on a gate. */
  readonly connectionBytes: Measured;
  /** Memory of one bound session with its avatar (connection included), standalone. */
  readonly sessionBytes: Measured;
  /** Caller CPU per RPC call between processes (the gate forwarding a request). */
  readonly rpcCallerUs: Measured;
  /** Callee CPU per RPC call between processes (the lobby receiving it). */
  readonly rpcCalleeUs: Measured;
  /** CPU of one space's sync stage per tick. */
  readonly syncCpuMsPerTick: Measured;
  /** Players in that space. */
  readonly syncPlayers: Measured;
  /** The tick rate the sync benchmark ran at. */
  readonly syncTickHz: Measured;
  /** State-sync bytes each client receives per second at that tick rate. */
  readonly syncBytesPerClient: Measured;
  /** State-sync messages per tick, all clients of the space together. */
  readonly syncMessagesPerTick: Measured;
  /** Version-checked document updates per second on the MongoDB store. */
  readonly storeUpdatesPerSecond: Measured;
  /** Messages per second through the Redis hub, publish to subscriber. */
  readonly hubMessagesPerSecond: Measured;
  /** What n lobbies did against n times one lobby, each under the same CPU quota (1: linear). */
  readonly lobbyScaling: Measured;
  /** What n gates did against n times one gate, each under the same CPU quota (1: linear). */
  readonly gateScaling: Measured;
}

/** The scaling benchmark's result: optional, since it needs root and cgroups (docs/scaling.md). */
export const SCALING_RESULT = 'scaling';

type Report = { date?: unknown; figures?: Record<string, { value?: unknown; unit?: unknown }>; params?: Record<string, unknown> };

/**
 * Reads one result file.
 * @throws CapacityError CAPACITY_ERR_MISSING_RESULT when it does not exist, CAPACITY_ERR_BAD_RESULT
 *   when it is not JSON.
 */
async function readReport(dir: string, name: BenchResultName | typeof SCALING_RESULT): Promise<Report> {
  const file = join(dir, `${name}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CapacityError('CAPACITY_ERR_MISSING_RESULT', `${file} does not exist; run \`npm run bench -- ${name}\` to write it`);
    }
    throw err;
  }
  try {
    return JSON.parse(text) as Report;
  } catch (err) {
    throw new CapacityError('CAPACITY_ERR_BAD_RESULT', `${file} is not JSON`, { cause: err });
  }
}

function figure(report: Report, name: BenchResultName, key: string): Measured {
  const f = report.figures?.[key];
  if (typeof f?.value !== 'number' || !Number.isFinite(f.value) || typeof f.unit !== 'string') {
    throw new CapacityError('CAPACITY_ERR_BAD_RESULT', `${name}.json has no figure "${key}"; run \`npm run bench -- ${name}\` again`);
  }
  return { value: f.value, unit: f.unit, source: `${name}.json: ${key}`, date: String(report.date) };
}

function param(report: Report, name: BenchResultName, key: string, unit: string): Measured {
  const value = report.params?.[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CapacityError('CAPACITY_ERR_BAD_RESULT', `${name}.json has no parameter "${key}"; run \`npm run bench -- ${name}\` again`);
  }
  return { value, unit, source: `${name}.json: params.${key}`, date: String(report.date) };
}

/**
 * How n servers of a role scaled, from the scaling benchmark's largest step: its rate over n times
 * the rate of one (the step's baseline). Without a result, 1 (linear), said so in the source.
 */
function scaling(report: Report | undefined, one: string, many: string): Measured {
  const notMeasured = { value: 1, unit: 'x', source: `${SCALING_RESULT}.json: none (npm run bench -- scaling, as root); linear assumed`, date: '' };
  if (!report) return notMeasured;
  const base = (report as { baseline?: Record<string, { value?: unknown }> }).baseline?.[`1 ${one}`]?.value;
  const steps = Object.entries(report.figures ?? {})
    .map(([key, f]) => ({ n: Number(new RegExp(`^(\\d+) ${many}$`).exec(key)?.[1]), key, rate: f.value }))
    .filter((step): step is { n: number; key: string; rate: number } => Number.isInteger(step.n) && typeof step.rate === 'number' && Number.isFinite(step.rate));
  const last = steps.sort((a, b) => b.n - a.n)[0];
  if (typeof base !== 'number' || !(base > 0) || steps.some((step) => !(step.rate > 0))) {
    throw new CapacityError('CAPACITY_ERR_BAD_RESULT', `${SCALING_RESULT}.json has no positive "1 ${one}" baseline, or a step without a positive rate; run \`npm run bench -- scaling\` again`);
  }
  // A run of one server of each (SCALING_MAX_SERVERS=1) measured no scaling.
  if (!last) return { ...notMeasured, source: `${SCALING_RESULT}.json: no step of more than one ${one}; linear assumed`, date: String(report.date) };
  return { value: last.rate / (last.n * base), unit: 'x', source: `${SCALING_RESULT}.json: ${last.key} / (${last.n} × 1 ${one})`, date: String(report.date) };
}

/** The scaling benchmark's result, or undefined when it has not run here. */
async function readScaling(dir: string): Promise<Report | undefined> {
  try {
    return await readReport(dir, SCALING_RESULT);
  } catch (err) {
    if (err instanceof CapacityError && err.code === 'CAPACITY_ERR_MISSING_RESULT') return undefined;
    throw err;
  }
}

/**
 * Reads the model's inputs from `dir` (normally bench/results/).
 * @throws CapacityError CAPACITY_ERR_MISSING_RESULT naming the first missing file (in the order of
 *   {@link BENCH_RESULTS}) and the benchmark that writes it; CAPACITY_ERR_BAD_RESULT for a file
 *   that is not JSON or lacks a figure. The scaling result may be missing (linear is assumed then).
 */
export async function readBenchInputs(dir: string): Promise<BenchInputs> {
  const g = await readReport(dir, 'gate');
  const r = await readReport(dir, 'rpc');
  const s = await readReport(dir, 'sync');
  const st = await readReport(dir, 'store');
  const c = await readReport(dir, 'cluster');
  const sc = await readScaling(dir);
  return {
    echoCpuUs: figure(g, 'gate', 'tcp server CPU per message'),
    connectionBytes: figure(g, 'gate', 'memory per idle connection'),
    sessionBytes: figure(g, 'gate', 'memory per session with avatar'),
    rpcCallerUs: figure(r, 'rpc', 'caller CPU per call'),
    rpcCalleeUs: figure(r, 'rpc', 'callee CPU per call'),
    syncCpuMsPerTick: figure(s, 'sync', 'sync stage CPU time per tick, mean'),
    syncPlayers: param(s, 'sync', 'players', 'players'),
    syncTickHz: param(s, 'sync', 'tickHz', 'Hz'),
    syncBytesPerClient: figure(s, 'sync', 'bytes per client per second'),
    syncMessagesPerTick: figure(s, 'sync', 'messages per tick'),
    storeUpdatesPerSecond: figure(st, 'store', 'mongodb update'),
    hubMessagesPerSecond: figure(c, 'cluster', 'hub: hub publish → subscriber'),
    lobbyScaling: scaling(sc, 'lobby', 'lobbies'),
    gateScaling: scaling(sc, 'gate', 'gates'),
  };
}
