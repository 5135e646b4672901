/**
 * Our engine beside the one studios would pick instead, in one run, each server pinned to one core
 * and the load generator (this process) to the other with `taskset`, where the machine has two
 * cores and `taskset`:
 *
 * - Echo: our standalone server (gate and lobby in one process) over TCP, WebSocket and KCP, 1,000
 *   clients per transport sending `Echo.echo`, against Colyseus 0.18's echo room
 *   (bench/peers/colyseus/, installed there on first use), 1,000 WebSocket clients through its own
 *   SDK. Same load for all: 4 requests in flight per client, a 64-byte request (msgpack), measured
 *   by the same code as the gate benchmark (bench/lib/echo-measure.ts). Figures: messages per
 *   second, the server's CPU time per message, p50/p99 round trips at half of each server's rate.
 * - Between two processes: our RPC over one loopback link, pipelined with 2,000 calls in flight as
 *   the rpc benchmark does, against plain `ioredis` request/response through a real redis-server
 *   (what Colyseus's processes use to reach each other) with the same window. Figures: calls per
 *   second, the far side's CPU time per call (the peer process; redis-server and the responder),
 *   p50/p99 at half rate.
 *
 * Ratios: ours against Colyseus, and our RPC against ioredis.
 */
import { encode } from '@msgpack/msgpack';
import type { Benchmark, BenchReport, Figure } from './lib/benchmark.js';
import { cpuPerMessageUs, measureEcho, type EchoResult } from './lib/echo-measure.js';
import { openLoop, percentile, pipelined } from './lib/load.js';
import { pinningForThisMachine, pinProcess, pinSelf, type PinPlan } from './lib/pinning.js';
import { cpuSeconds } from './lib/proc-cpu.js';
import { startRpcEchoLink } from './lib/rpc-echo-link.js';
import { startStandaloneGate, type GateTransport } from './lib/standalone-gate.js';
import { connectColyseusClients, installColyseus, startColyseusEcho } from './peers/colyseus-peer.js';
import { startRedisCalls } from './peers/redis-calls.js';

const CLIENTS = 1_000;
const SHAPE = { window: 4, throughputMs: 4_000, latencyMs: 3_000 };
const TRANSPORTS: GateTransport[] = ['tcp', 'ws', 'kcp'];
const CALL_WINDOW = 2_000;
const CALL_MS = 3_000;
// A small game request, 64 bytes as msgpack: the echo's message and the calls' argument.
const PAYLOAD = { item: 'sword', qty: 3, slot: 12, note: 'forged by the old town blacksmith.' };

const fig = (value: number, unit: string, better: Figure['better']): Figure => ({ value, unit, better });

/** The figures of one echo server, named `<name> ...`. */
function echoFigures(name: string, result: EchoResult): Record<string, Figure> {
  console.log(`  ${name}: ${result.rate.toFixed(0)} msg/s, server ${result.serverCpuUs.toFixed(1)} µs CPU/msg, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms at half rate`);
  return {
    [`${name} messages/s`]: fig(result.rate, 'msg/s', 'higher'),
    [`${name} server CPU per message`]: fig(result.serverCpuUs, 'µs', 'lower'),
    [`${name} p50 at half rate`]: fig(result.p50, 'ms', 'lower'),
    [`${name} p99 at half rate`]: fig(result.p99, 'ms', 'lower'),
  };
}

/**
 * Calls per second with `CALL_WINDOW` calls in flight, the far side's CPU per call (processes
 * `pids`), and round trips at half that rate; named `<name> ...`.
 */
async function callFigures(name: string, call: () => Promise<unknown>, pids: number[]): Promise<Record<string, Figure>> {
  await pipelined(500, CALL_WINDOW, call); // warm-up: JIT, connections, buffers
  const cpuBefore = await cpuSeconds(...pids);
  const started = performance.now();
  const rate = await pipelined(CALL_MS, CALL_WINDOW, call);
  const cpuUs = cpuPerMessageUs((await cpuSeconds(...pids)) - cpuBefore, rate, performance.now() - started);
  const rtts = (await openLoop(rate / 2, SHAPE.latencyMs, call)).sort((a, b) => a - b);
  console.log(`  ${name}: ${rate.toFixed(0)} calls/s, far side ${cpuUs.toFixed(1)} µs CPU/call`);
  return {
    [`${name} calls/s`]: fig(rate, 'calls/s', 'higher'),
    [`${name} far side CPU per call`]: fig(cpuUs, 'µs', 'lower'),
    [`${name} p50 at half rate`]: fig(percentile(rtts, 0.5) / 1000, 'ms', 'lower'),
    [`${name} p99 at half rate`]: fig(percentile(rtts, 0.99) / 1000, 'ms', 'lower'),
  };
}

async function pin(plan: PinPlan | undefined, ...pids: number[]): Promise<void> {
  if (plan) for (const pid of pids) await pinProcess(pid, plan.server);
}

async function ours(plan: PinPlan | undefined): Promise<Record<string, Figure>> {
  const standalone = await startStandaloneGate();
  const figures: Record<string, Figure> = {};
  try {
    await pin(plan, standalone.pid);
    for (const transport of TRANSPORTS) {
      const clients = await standalone.connectPlayers(transport, CLIENTS, `peers-${transport}`);
      Object.assign(figures, echoFigures(transport, await measureEcho(clients.map((c) => ({ op: () => c.request('Echo.echo', PAYLOAD) })), standalone.pid, SHAPE)));
      for (const c of clients) c.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await standalone.stop();
  }
  return figures;
}

async function colyseus(plan: PinPlan | undefined): Promise<Record<string, Figure>> {
  const server = await startColyseusEcho();
  try {
    await pin(plan, server.pid);
    const clients = await connectColyseusClients(server.endpoint, CLIENTS, PAYLOAD);
    const figures = echoFigures('colyseus', await measureEcho(clients, server.pid, SHAPE));
    await Promise.all(clients.map((c) => c.close()));
    return figures;
  } finally {
    server.stop();
  }
}

async function rpc(plan: PinPlan | undefined): Promise<Record<string, Figure>> {
  const link = await startRpcEchoLink();
  try {
    await pin(plan, link.peerPid);
    return await callFigures('rpc', () => link.call(PAYLOAD), [link.peerPid]);
  } finally {
    await link.stop();
  }
}

async function ioredis(plan: PinPlan | undefined): Promise<Record<string, Figure>> {
  const redis = await startRedisCalls();
  try {
    await pin(plan, ...redis.pids);
    return await callFigures('ioredis', () => redis.call(PAYLOAD), redis.pids);
  } finally {
    await redis.stop();
  }
}

const bench: Benchmark = {
  name: 'peers',
  description: 'our gate (TCP, WebSocket, KCP) against Colyseus echo, and our RPC against ioredis through Redis, server and load pinned to a core each',
  async run(): Promise<BenchReport> {
    const colyseusVersion = await installColyseus();
    const plan = await pinningForThisMachine();
    const unpin = plan ? await pinSelf(plan) : undefined;
    const figures: Record<string, Figure> = {};
    const baseline: Record<string, Figure> = {};
    try {
      Object.assign(figures, await ours(plan));
      Object.assign(baseline, await colyseus(plan));
      Object.assign(figures, await rpc(plan));
      Object.assign(baseline, await ioredis(plan));
    } finally {
      await unpin?.();
    }
    return {
      figures,
      baseline,
      params: {
        clients: CLIENTS,
        window: SHAPE.window,
        payloadBytes: encode(PAYLOAD).length,
        throughputMs: SHAPE.throughputMs,
        latencyMs: SHAPE.latencyMs,
        callWindow: CALL_WINDOW,
        callMs: CALL_MS,
        colyseus: colyseusVersion,
        pinning: plan ? `servers on core ${plan.server}, load generator on core ${plan.load}` : 'none',
      },
      compare: [
        ...TRANSPORTS.flatMap((t) => [
          { ours: `${t} messages/s`, baseline: 'colyseus messages/s' },
          { ours: `${t} server CPU per message`, baseline: 'colyseus server CPU per message' },
          { ours: `${t} p99 at half rate`, baseline: 'colyseus p99 at half rate' },
        ]),
        { ours: 'rpc calls/s', baseline: 'ioredis calls/s' },
        { ours: 'rpc far side CPU per call', baseline: 'ioredis far side CPU per call' },
        { ours: 'rpc p99 at half rate', baseline: 'ioredis p99 at half rate' },
      ],
    };
  },
};

export default bench;
