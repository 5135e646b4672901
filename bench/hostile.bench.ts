/**
 * Hostile clients against a standalone server process with the production gate settings
 * (engine/config/defaults.ts: 2,048 connections not yet authenticated at most, 64 from one
 * address, 20,000 connections, a 10 s handshake timeout and a 20 s authentication timeout): how many hostile connections of each kind the
 * gate holds before it refuses the next, and its memory at that point (resident and JS heap, after
 * a full garbage collection, through the inspector), while a bystander plays.
 *
 * Attacks, one after the other, each from 64 loopback addresses (Linux answers the whole 127/8):
 * TCP sockets and WebSocket upgrades that send a byte a second, KCP sessions left half-open
 * (HELLO, COOKIE, CONNECT, then silence), and connections that finish the handshake and then never
 * authenticate, from one address, opened until the gate refuses one (or 6,000 are open).
 *
 * Baseline in the same run: the bystander's round trips (`Echo.echo`, 4 in flight, 160 a second)
 * on the same server before any attack; the figures are its round trips while the attacks run.
 */
import { connectGate, type GateClient } from '../client-sim/node-client.js';
import { createTcpTransport } from '../client-sim/node-transports.js';
import { defaults } from '../engine/config/defaults.js';
import { Bystander } from '../gate/hostile/fixtures/bystander.js';
import { startHostileServer, type HostileServer } from '../gate/hostile/fixtures/hostile-standalone.js';
import { openHalfOpenKcp } from '../gate/hostile/fixtures/kcp-half-open.js';
import { clientHandshakeBytes, openSlowCrowd, type SlowCrowd } from '../gate/hostile/fixtures/slow-sockets.js';
import type { Benchmark, BenchReport, Figure } from './lib/benchmark.js';
import { connectHeapProbe, type HeapProbe } from './lib/heap-probe.js';
import { percentile } from './lib/load.js';

const ADDRESSES = Array.from({ length: 64 }, (_, i) => `127.0.${10 + (i >> 4)}.${(i & 15) + 1}`);
/** Sockets from each address: more than the gate takes from one, and in all more than it takes. */
const PER_ADDRESS = 48;
/** Handshaken connections from one address that never authenticate, at most. */
const UNAUTHENTICATED = 6_000;
const BASELINE_MS = 3_000;
const MIB = 1024 * 1024;

const fig = (value: number, unit: string, better: Figure['better']): Figure => ({ value, unit, better });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the gate holds no connection in its handshake (at most 30 s). */
async function drained(server: HostileServer): Promise<void> {
  for (let i = 0; i < 300 && (await server.load()).gatePending !== 0; i++) await sleep(100);
}

interface Held {
  /** Connections the gate counts as pending (its /health `gatePending`): what it holds of the attack. */
  held: number;
  /** The attack's other connections: refused, or closed. */
  refused: number;
  rssMiB: number;
  heapMiB: number;
}

/**
 * What the gate holds of an attack of `attempts` connections, by its own count (a refused
 * socket's close may still be on its way to the attacker), and its memory then.
 */
async function measure(server: HostileServer, probe: HeapProbe, attempts: number): Promise<Held> {
  const held = (await server.load()).gatePending ?? 0;
  const memory = await probe.held();
  return { held, refused: attempts - held, rssMiB: memory.rss / MIB, heapMiB: memory.heapUsed / MIB };
}

/**
 * The bystander's round trips while attacks run, outside the full garbage collections that the
 * measurements force on the server (those pause it for everyone, an artefact of measuring).
 */
class AttackWindows {
  private readonly trips: number[] = [];
  private from = 0;

  constructor(private readonly bystander: Bystander) {}

  open(): void {
    this.from = this.bystander.roundTripsMs.length;
  }

  close(): void {
    this.trips.push(...this.bystander.roundTripsMs.slice(this.from));
  }

  percentiles(): { p50: number; p99: number } {
    return roundTrips(this.trips, 0);
  }
}

async function slowCrowd(server: HostileServer, probe: HeapProbe, windows: AttackWindows, crowd: SlowCrowd): Promise<Held> {
  // The refusals arrive as soon as the sockets are open; a moment lets the last ones land.
  await sleep(500);
  windows.close();
  const result = await measure(server, probe, crowd.sockets.length);
  crowd.stop();
  await drained(server);
  return result;
}

async function unauthenticated(server: HostileServer, probe: HeapProbe, windows: AttackWindows): Promise<Held & { refusedWith: string }> {
  const clients: GateClient[] = [];
  const transport = createTcpTransport({ localAddress: '127.0.9.1' });
  let refusedWith = 'none';
  let refused = 0;
  windows.open();
  // Fewer at once than the gate lets one address have in its handshake, so that only a cap on
  // established connections can refuse them.
  while (clients.length < UNAUTHENTICATED && refused === 0) {
    const batch = await Promise.allSettled(Array.from({ length: 50 }, () => connectGate({ endpoint: server.gate.tcp, transport, gateKey: server.gate.publicKey })));
    for (const outcome of batch) {
      if (outcome.status === 'fulfilled') clients.push(outcome.value);
      else {
        refused++;
        const reason = outcome.reason as { serverCode?: string; code?: string };
        refusedWith = reason.serverCode ?? reason.code ?? String(reason);
      }
    }
  }
  await sleep(500);
  windows.close();
  const result = await measure(server, probe, clients.length + refused);
  for (const client of clients) client.close();
  return { ...result, refusedWith };
}

function roundTrips(all: readonly number[], from: number): { p50: number; p99: number } {
  const sorted = all.slice(from).sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

async function run(): Promise<BenchReport> {
  const server = await startHostileServer({ nodeArgs: ['--inspect=127.0.0.1:0'] });
  const probe = await connectHeapProbe(server.standalone.server.output());
  const figures: Record<string, Figure> = {};
  const baseline: Record<string, Figure> = {};
  const gate = defaults.gate;
  const params: Record<string, string | number> = {
    addresses: ADDRESSES.length,
    perAddress: PER_ADDRESS,
    maxPendingConnections: gate.maxPendingConnections,
    maxPendingPerAddress: gate.maxPendingPerAddress,
    maxConnections: gate.maxConnections,
    fdReserve: gate.fdReserve,
    handshakeTimeoutMs: gate.handshakeTimeoutMs,
    authTimeoutMs: gate.authTimeoutMs,
  };
  let bystander: Bystander | undefined;
  try {
    const fresh = await probe.settled();
    params.freshRssMiB = Math.round(fresh.rss / MIB);
    params.freshHeapMiB = Math.round(fresh.heapUsed / MIB);
    bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
    await sleep(BASELINE_MS);
    const calm = roundTrips(bystander.roundTripsMs, 0);
    baseline['bystander p50'] = fig(calm.p50, 'ms', 'lower');
    baseline['bystander p99'] = fig(calm.p99, 'ms', 'lower');
    const windows = new AttackWindows(bystander);

    const hello = clientHandshakeBytes(Buffer.from(server.gate.publicKey, 'base64'));
    windows.open();
    const tcp = await slowCrowd(server, probe, windows, await openSlowCrowd({ endpoint: server.gate.tcp, addresses: ADDRESSES, perAddress: PER_ADDRESS, bytes: hello }));
    const upgrade = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: gate\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    windows.open();
    const ws = await slowCrowd(server, probe, windows, await openSlowCrowd({ endpoint: server.gate.ws, addresses: ADDRESSES, perAddress: PER_ADDRESS, bytes: upgrade }));
    windows.open();
    const crowd = await openHalfOpenKcp(server.gate.kcp, ADDRESSES, PER_ADDRESS);
    windows.close();
    const kcp = await measure(server, probe, crowd.accepted + crowd.refused + crowd.unanswered);
    crowd.close();
    await drained(server);
    const idle = await unauthenticated(server, probe, windows);
    params.unauthenticatedRefusedWith = idle.refusedWith;

    for (const [name, held] of [['tcp slow handshakes', tcp], ['ws slow upgrades', ws], ['kcp half-open', kcp], ['unauthenticated from one address', idle]] as const) {
      figures[`${name} held`] = fig(held.held, 'connections', 'higher');
      figures[`${name} refused`] = fig(held.refused, 'connections', 'higher');
      figures[`${name} rss`] = fig(held.rssMiB, 'MiB', 'lower');
      figures[`${name} heap`] = fig(held.heapMiB, 'MiB', 'lower');
    }
    const attacked = windows.percentiles();
    figures['bystander p50 under attack'] = fig(attacked.p50, 'ms', 'lower');
    figures['bystander p99 under attack'] = fig(attacked.p99, 'ms', 'lower');
    const report = await bystander.stop();
    bystander = undefined;
    params.bystanderAnswered = report.answered;
    params.bystanderProblems = report.problems.length === 0 ? 'none' : report.problems.join('; ');
  } finally {
    await bystander?.stop();
    probe.close();
    await server.standalone.stop();
  }
  return {
    figures,
    baseline,
    compare: [
      { ours: 'bystander p50 under attack', baseline: 'bystander p50' },
      { ours: 'bystander p99 under attack', baseline: 'bystander p99' },
    ],
    params,
  };
}

const bench: Benchmark = { name: 'hostile', description: 'hostile connections a gate holds before refusing, its memory, and a bystander served meanwhile', run };
export default bench;
