/**
 * The measurement every echo benchmark makes of a server under load, whoever the server is (our
 * gate, a raw echo, a peer engine), so that their figures come from the same code: messages per
 * second with a window of requests in flight on every client, the server's CPU time per message
 * over that run, and round trips at half that rate and at a tenth.
 */
import { cpuSeconds } from './proc-cpu.js';
import { openLoop, percentile, pipelined } from './load.js';

/** One client of the server: `op()` sends one request and resolves with its answer. */
export interface EchoClient {
  op: () => Promise<unknown>;
}

/** How long and how hard {@link measureEcho} drives the server. */
export interface EchoShape {
  /** Requests in flight on every client while the rate is measured. */
  window: number;
  /** How long the rate is measured, in milliseconds. */
  throughputMs: number;
  /** How long each round-trip measurement runs, in milliseconds. */
  latencyMs: number;
}

/** What {@link measureEcho} measured; round trips in milliseconds. */
export interface EchoResult {
  rate: number;
  p50: number;
  p99: number;
  /** Round trips at a tenth of the rate, where the load generator is not the bottleneck. */
  p50Light: number;
  p99Light: number;
  serverCpuUs: number;
}

/** Spreads `op` over `items` in turn. */
export function roundRobin<T>(items: readonly T[], op: (item: T) => Promise<unknown>): () => Promise<unknown> {
  let next = 0;
  return () => op(items[next++ % items.length]!);
}

/**
 * Microseconds of CPU per message: `cpuSeconds` spent while `rate` messages per second went
 * through for `ms` milliseconds.
 */
export function cpuPerMessageUs(cpuSeconds: number, rate: number, ms: number): number {
  return (cpuSeconds * 1e6) / ((rate * ms) / 1000);
}

/**
 * Drives `clients` against the server whose process is `serverPid`: first the rate (each client
 * keeps `shape.window` requests in flight), with the server's CPU time over it, then round trips
 * with requests offered evenly at half that rate and at a tenth, spread over the clients in turn.
 */
export async function measureEcho(clients: readonly EchoClient[], serverPid: number, shape: EchoShape): Promise<EchoResult> {
  const cpuBefore = await cpuSeconds(serverPid);
  const started = performance.now();
  const perClient = await Promise.all(clients.map((c) => pipelined(shape.throughputMs, shape.window, c.op)));
  const rate = perClient.reduce((a, b) => a + b, 0);
  const serverCpuUs = cpuPerMessageUs((await cpuSeconds(serverPid)) - cpuBefore, rate, performance.now() - started);
  const spread = roundRobin(clients, (c) => c.op());
  const rtts = (await openLoop(rate / 2, shape.latencyMs, spread)).sort((a, b) => a - b);
  const light = (await openLoop(rate / 10, shape.latencyMs, spread)).sort((a, b) => a - b);
  return {
    rate,
    p50: percentile(rtts, 0.5) / 1000,
    p99: percentile(rtts, 0.99) / 1000,
    p50Light: percentile(light, 0.5) / 1000,
    p99Light: percentile(light, 0.99) / 1000,
    serverCpuUs,
  };
}
