/**
 * The gate end to end: 1,000 clients send `Echo.echo` requests through client → gate → lobby →
 * gate → client, for each transport (TCP, WebSocket, KCP), against a standalone server process
 * (login service, gate and lobby in one process, as `npm start` runs it). Figures per transport:
 * messages per second with a window of requests in flight on every client, and p50/p99 round
 * trips at half that rate and at a tenth, and the server's CPU time per message. First, on the
 * fresh process: idle connections (10,000 handshaken TCP connections) and what each costs the
 * server process after a full garbage collection (resident memory and JS heap, read through the
 * inspector), and the same for 1,000 authenticated sessions (each also holds its avatar in the
 * same process).
 *
 * With `--profile` the server process writes its CPU profile to bench/results/gate-profile/.
 *
 * Where the machine has two cores and `taskset`, the server (and the baseline's) runs pinned to
 * core 0 and this process, the load generator, to core 1, so that neither takes the other's core.
 *
 * Baselines in the same run: a raw Node TCP echo server of length-prefixed frames, driven by the
 * same 1,000 sockets with the same window and the same harness, with frames as large as a request
 * packet; and, for the cost of metrics, a second standalone server with `--metrics.enabled false`
 * measured the same way per transport, alternating with the first (which has metrics on, the
 * default) so that a machine's drift falls on both alike.
 */
import type { GateClient } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import type { Benchmark, BenchOptions, BenchReport, Figure } from './lib/benchmark.js';
import { connectHeapProbe } from './lib/heap-probe.js';
import { measureEcho, type EchoClient, type EchoResult } from './lib/echo-measure.js';
import { rawEchoClient, startEchoPeer } from './lib/load.js';
import { pinningForThisMachine, pinProcess, pinSelf } from './lib/pinning.js';
import { startStandaloneGate, type GateTransport, type StandaloneGate } from './lib/standalone-gate.js';

const CLIENTS = 1_000;
const WINDOW = 4;
const THROUGHPUT_MS = 4_000;
const LATENCY_MS = 3_000;
const IDLE = 10_000;
// A small game request: one object argument; its packet is about 48 bytes.
const PAYLOAD = { item: 'sword', qty: 3 };
const RAW_FRAME_BYTES = 44;
const TRANSPORTS = (process.env.GATE_BENCH_TRANSPORTS?.split(",") ?? ["tcp", "ws", "kcp"]) as GateTransport[];

const fig = (value: number, unit: string, better: Figure['better']): Figure => ({ value, unit, better });
const SHAPE = { window: WINDOW, throughputMs: THROUGHPUT_MS, latencyMs: LATENCY_MS };
const measure = (clients: EchoClient[], serverPid: number): Promise<EchoResult> => measureEcho(clients, serverPid, SHAPE);

async function run(options: BenchOptions): Promise<BenchReport> {
  const standalone = await startStandaloneGate(
    // The heap probe collects garbage through the inspector before it reads the memory. With
    // --profile, the process writes its CPU profile when it exits.
    ['--inspect=127.0.0.1:0', ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [])],
  );
  const { server, gate, pid } = standalone;
  const unmetered = await startStandaloneGate([], ['--metrics.enabled', 'false']).catch(async (err: unknown) => {
    await standalone.stop();
    throw err;
  });
  const figures: Record<string, Figure> = {};
  const baseline: Record<string, Figure> = {};
  const params: Record<string, string | number> = { clients: CLIENTS, window: WINDOW, throughputMs: THROUGHPUT_MS, latencyMs: LATENCY_MS, idle: IDLE };
  // The server on one core, this process (the load generator) on the other.
  const pinning = await pinningForThisMachine();
  params.pinning = pinning ? `server on core ${pinning.server}, load on core ${pinning.load}` : 'none';
  const unpin = pinning ? await pinSelf(pinning) : undefined;
  try {
    if (pinning) await pinProcess(pid, pinning.server);
    if (pinning) await pinProcess(unmetered.pid, pinning.server);
    // Memory first, on a fresh process. Idle: connections that finished the handshake and then
    // say nothing but heartbeats.
    const probe = await connectHeapProbe(server.output());
    const before = await probe.settled();
    const idle: GateClient[] = [];
    for (let i = 0; i < IDLE; i += 500) {
      idle.push(...(await Promise.all(Array.from({ length: Math.min(500, IDLE - i) }, () => connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey, handshakeTimeoutMs: 60_000 })))));
    }
    const after = await probe.held();
    const connected = idle.filter((c) => c.isOpen).length;
    figures['idle connections held'] = fig(connected, 'connections', 'higher');
    figures['memory per idle connection'] = fig((after.rss - before.rss) / connected, 'bytes', 'lower');
    figures['heap per idle connection'] = fig((after.heapUsed - before.heapUsed) / connected, 'bytes', 'lower');
    for (const c of idle) c.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Authenticated sessions: each also holds a session and, in this one process, its avatar.
    const beforeSessions = await probe.settled();
    const sessions = await standalone.connectPlayers('tcp', CLIENTS, 'idle');
    const afterSessions = await probe.held();
    figures['memory per session with avatar'] = fig((afterSessions.rss - beforeSessions.rss) / sessions.length, 'bytes', 'lower');
    figures['heap per session with avatar'] = fig((afterSessions.heapUsed - beforeSessions.heapUsed) / sessions.length, 'bytes', 'lower');
    for (const c of sessions) c.close();
    probe.close();

    for (const [i, transport] of TRANSPORTS.entries()) {
      // Which server goes first alternates from one transport to the next.
      const order = i % 2 === 0 ? ([true, false] as const) : ([false, true] as const);
      for (const metered of order) {
        const result = await echoOver(metered ? standalone : unmetered, transport);
        if (metered) {
          figures[`${transport} server CPU per message`] = fig(result.serverCpuUs, 'µs', 'lower');
          figures[`${transport} messages/s`] = fig(result.rate, 'msg/s', 'higher');
          figures[`${transport} p50 at half rate`] = fig(result.p50, 'ms', 'lower');
          figures[`${transport} p99 at half rate`] = fig(result.p99, 'ms', 'lower');
          figures[`${transport} p50 at a tenth`] = fig(result.p50Light, 'ms', 'lower');
          figures[`${transport} p99 at a tenth`] = fig(result.p99Light, 'ms', 'lower');
        } else {
          baseline[`${transport} server CPU per message without metrics`] = fig(result.serverCpuUs, 'µs', 'lower');
          baseline[`${transport} messages/s without metrics`] = fig(result.rate, 'msg/s', 'higher');
          baseline[`${transport} p99 at half rate without metrics`] = fig(result.p99, 'ms', 'lower');
        }
        console.log(`  ${transport} ${metered ? 'with' : 'without'} metrics: ${result.rate.toFixed(0)} msg/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms at half rate, server ${result.serverCpuUs.toFixed(1)} µs CPU/msg`);
      }
      const withCpu = figures[`${transport} server CPU per message`]!.value;
      const withoutCpu = baseline[`${transport} server CPU per message without metrics`]!.value;
      console.log(`  ${transport}: metrics cost ${(((withCpu - withoutCpu) / withoutCpu) * 100).toFixed(1)}% server CPU per message`);
    }

    const peer = await startEchoPeer();
    if (pinning) await pinProcess(peer.pid, pinning.server);
    const raw = await Promise.all(Array.from({ length: CLIENTS }, () => rawEchoClient(peer.echo, RAW_FRAME_BYTES)));
    const echo = await measure(raw, Number(peer.pid));
    baseline['tcp messages/s'] = fig(echo.rate, 'msg/s', 'higher');
    baseline['p50 at half rate'] = fig(echo.p50, 'ms', 'lower');
    baseline['p99 at half rate'] = fig(echo.p99, 'ms', 'lower');
    baseline['server CPU per message'] = fig(echo.serverCpuUs, 'µs', 'lower');
    baseline['p50 at a tenth'] = fig(echo.p50Light, 'ms', 'lower');
    baseline['p99 at a tenth'] = fig(echo.p99Light, 'ms', 'lower');
    for (const r of raw) r.close();
    peer.stop();

  } finally {
    await unpin?.();
    await standalone.stop();
    await unmetered.stop();
  }
  return {
    figures,
    baseline,
    params,
    compare: [
      ...TRANSPORTS.map((t) => ({ ours: `${t} messages/s`, baseline: 'tcp messages/s' })),
      // The cost of metrics: 1 means none; 0.95 means 5% fewer messages or 5% more CPU with them.
      ...TRANSPORTS.flatMap((t) => [
        { ours: `${t} messages/s`, baseline: `${t} messages/s without metrics` },
        { ours: `${t} server CPU per message`, baseline: `${t} server CPU per message without metrics` },
        { ours: `${t} p99 at half rate`, baseline: `${t} p99 at half rate without metrics` },
      ]),
      { ours: 'tcp p99 at half rate', baseline: 'p99 at half rate' },
      { ours: 'tcp p99 at a tenth', baseline: 'p99 at a tenth' },
      { ours: 'tcp server CPU per message', baseline: 'server CPU per message' },
    ],
  };
}

/** Connects the clients of one measure over `transport`, measures the echo, and closes them. */
async function echoOver(server: StandaloneGate, transport: GateTransport): Promise<EchoResult> {
  const clients = await server.connectPlayers(transport, CLIENTS, `bench-${transport}`);
  const result = await measure(clients.map((c) => ({ op: () => c.request('Echo.echo', PAYLOAD) })), server.pid);
  for (const c of clients) c.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return result;
}

const bench: Benchmark = { name: 'gate', description: 'client → gate → lobby → gate → client echo, 1,000 clients per transport, with metrics and without; idle connections', run };
export default bench;
