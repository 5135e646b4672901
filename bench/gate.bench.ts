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
 * Baseline in the same run: a raw Node TCP echo server of length-prefixed frames, driven by the
 * same 1,000 sockets with the same window and the same harness, with frames as large as a request
 * packet.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKey } from '../engine/auth/signing-key.js';
import { TokenIssuer } from '../engine/auth/token-issuer.js';
import { startMain, type MainProcess } from '../engine/testing/main-process.js';
import { SystemClock } from '../engine/timer/clock.js';
import { GateClient } from '../client-sim/gate-client.js';
import { connectGate } from '../client-sim/node-client.js';
import type { Benchmark, BenchOptions, BenchReport, Figure } from './lib/benchmark.js';
import { connectHeapProbe } from './lib/heap-probe.js';
import { measureEcho, type EchoClient, type EchoResult } from './lib/echo-measure.js';
import { rawEchoClient, startEchoPeer } from './lib/load.js';
import { pinningForThisMachine, pinProcess, pinSelf } from './lib/pinning.js';

const CLIENTS = 1_000;
const WINDOW = 4;
const THROUGHPUT_MS = 4_000;
const LATENCY_MS = 3_000;
const IDLE = 10_000;
// A small game request: one object argument; its packet is about 48 bytes.
const PAYLOAD = { item: 'sword', qty: 3 };
const RAW_FRAME_BYTES = 44;
const TRANSPORTS = (process.env.GATE_BENCH_TRANSPORTS?.split(",") ?? ["tcp", "ws", "kcp"]) as ("tcp" | "ws" | "kcp")[];

const fig = (value: number, unit: string, better: Figure['better']): Figure => ({ value, unit, better });
const SHAPE = { window: WINDOW, throughputMs: THROUGHPUT_MS, latencyMs: LATENCY_MS };
const measure = (clients: EchoClient[], serverPid: number): Promise<EchoResult> => measureEcho(clients, serverPid, SHAPE);

async function run(options: BenchOptions): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'gate-bench-'));
  const key = await SigningKey.generate();
  await writeFile(join(dir, 'login.key'), await key.exportPrivatePem());
  await writeFile(join(dir, 'config.jsonc'), JSON.stringify({
    server: { role: 'standalone', host: '127.0.0.1' },
    cluster: { discovery: 'memory' },
    store: { backend: 'lmdb' },
    log: { level: 'info' },
    // Echo.echo, the route every client sends, is the worked example's.
    lobby: { game: 'examples/inventory' },
    // Every client connects from loopback, a thousand handshakes at a time; the idle connections
    // never authenticate, and must stay open until they are measured.
    gate: { ratePerSecond: 1_000_000, rateBurst: 1_000_000, maxPending: 1_000, maxConnections: 50_000, maxPendingConnections: 10_000, maxPendingPerAddress: 10_000, authTimeoutMs: 600_000 },
  }));
  const issuer = new TokenIssuer({ key, clock: new SystemClock(), ttlSec: 3_600 });
  const server: MainProcess = await startMain(
    [
    '--config', join(dir, 'config.jsonc'), '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate.key'),
    '--store.lmdb.path', join(dir, 'lmdb'), '--login.privateKeyPath', join(dir, 'login.key'),
    ],
    // The heap probe collects garbage through the inspector before it reads the memory. With
    // --profile, the process writes its CPU profile when it exits.
    ['--inspect=127.0.0.1:0', ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [])],
  );
  const gate = server.ready.gate!;
  const pid = server.child.pid!;
  const figures: Record<string, Figure> = {};
  const baseline: Record<string, Figure> = {};
  const params: Record<string, string | number> = { clients: CLIENTS, window: WINDOW, throughputMs: THROUGHPUT_MS, latencyMs: LATENCY_MS, idle: IDLE };
  // The server on one core, this process (the load generator) on the other.
  const pinning = await pinningForThisMachine();
  params.pinning = pinning ? `server on core ${pinning.server}, load on core ${pinning.load}` : 'none';
  const unpin = pinning ? await pinSelf(pinning) : undefined;
  try {
    if (pinning) await pinProcess(pid, pinning.server);
    // Memory first, on a fresh process. Idle: connections that finished the handshake and then
    // say nothing but heartbeats.
    const probe = await connectHeapProbe(server.output());
    const before = await probe.settled();
    const idle: GateClient[] = [];
    for (let i = 0; i < IDLE; i += 500) {
      idle.push(...(await Promise.all(Array.from({ length: Math.min(500, IDLE - i) }, () => connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey })))));
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
    const sessions = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
        await client.auth((await issuer.issue({ uid: `idle-${i}`, name: `idle ${i}` })).token);
        return client;
      }),
    );
    const afterSessions = await probe.held();
    figures['memory per session with avatar'] = fig((afterSessions.rss - beforeSessions.rss) / sessions.length, 'bytes', 'lower');
    figures['heap per session with avatar'] = fig((afterSessions.heapUsed - beforeSessions.heapUsed) / sessions.length, 'bytes', 'lower');
    for (const c of sessions) c.close();
    probe.close();

    for (const transport of TRANSPORTS) {
      const clients = await Promise.all(
        Array.from({ length: CLIENTS }, async (_, i) => {
          const client = await connectGate({ endpoint: gate[transport]!, transport, gateKey: gate.publicKey, requestTimeoutMs: 60_000 });
          await client.auth((await issuer.issue({ uid: `bench-${transport}-${i}`, name: `bench ${i}` })).token);
          return client;
        }),
      );
      const result = await measure(clients.map((c) => ({ op: () => c.request('Echo.echo', PAYLOAD) })), pid);
      figures[`${transport} server CPU per message`] = fig(result.serverCpuUs, 'µs', 'lower');
      figures[`${transport} messages/s`] = fig(result.rate, 'msg/s', 'higher');
      figures[`${transport} p50 at half rate`] = fig(result.p50, 'ms', 'lower');
      figures[`${transport} p99 at half rate`] = fig(result.p99, 'ms', 'lower');
      figures[`${transport} p50 at a tenth`] = fig(result.p50Light, 'ms', 'lower');
      figures[`${transport} p99 at a tenth`] = fig(result.p99Light, 'ms', 'lower');
      console.log(`  ${transport}: ${result.rate.toFixed(0)} msg/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms at half rate, server ${result.serverCpuUs.toFixed(1)} µs CPU/msg`);
      for (const c of clients) c.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
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
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    figures,
    baseline,
    params,
    compare: [
      ...TRANSPORTS.map((t) => ({ ours: `${t} messages/s`, baseline: 'tcp messages/s' })),
      { ours: 'tcp p99 at half rate', baseline: 'p99 at half rate' },
      { ours: 'tcp p99 at a tenth', baseline: 'p99 at a tenth' },
      { ours: 'tcp server CPU per message', baseline: 'server CPU per message' },
    ],
  };
}

const bench: Benchmark = { name: 'gate', description: 'client → gate → lobby → gate → client echo, 1,000 clients per transport; idle connections', run };
export default bench;
