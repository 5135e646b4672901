/**
 * The gate's caps on connections before the handshake, end to end: a standalone main.ts process
 * with few file descriptors (400) and hundreds of idle connections from one address on each
 * transport. Past the per-address cap they are refused at once with a reason; the admitted ones
 * are closed by the handshake timeout, which covers the WebSocket upgrade; and meanwhile a
 * bystander from another address on the same machine logs in and is served, and /health answers.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KCP_PRESETS } from '../engine/net/kcp/kcp-options.js';
import { connectKcp, type UdpKcpClient } from '../engine/net/kcp/udp-kcp.js';
import { PACKET } from '../engine/protocol/constants.js';
import { decodeKick } from '../engine/protocol/kick.js';
import type { MainProcess } from '../engine/testing/main-process.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { TimerService } from '../engine/timer/timer-service.js';
import { connectGate } from '../client-sim/node-client.js';
import { createTcpTransport } from '../client-sim/node-transports.js';
import { login, register } from '../client-sim/login.js';
import { GATE_ERRORS } from './errors.js';
import { startStandaloneProcess, type StandaloneProcess } from './fixtures/standalone-process.js';

const PER_ADDRESS = 8;
const IDLE = 450;
const OPEN_FILES = 400;
const HANDSHAKE_TIMEOUT_MS = 2_000;
/** The bystander's own address: loopback on Linux answers the whole 127/8. */
const BYSTANDER_ADDRESS = '127.0.0.2';

let standalone: StandaloneProcess;
let server: MainProcess;
let loginUrl: string;
let gateInfo: NonNullable<MainProcess['ready']['gate']>;

function hostPort(endpoint: string): { host: string; port: number } {
  const url = /^(?:ws:\/\/)?([^:/]+):(\d+)/.exec(endpoint)!;
  return { host: url[1]!, port: Number(url[2]) };
}

/** TCP to the gate from {@link BYSTANDER_ADDRESS}. */
const fromBystanderAddress = createTcpTransport({ localAddress: BYSTANDER_ADDRESS });

/** A socket that connects and then sends nothing (or only what it is given), and what came back before it closed. */
interface Idle {
  socket: Socket;
  closed: Promise<Buffer>;
}

async function idleSockets(endpoint: string, count: number, first = ''): Promise<Idle[]> {
  const idle: Idle[] = [];
  // In batches, so that the listen backlog never overflows.
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, () => {
      const socket = connect(hostPort(endpoint));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<Buffer>((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks))));
      return new Promise<Idle>((resolve) =>
        socket.once('connect', () => {
          if (first) socket.write(first);
          resolve({ socket, closed });
        }),
      );
    });
    idle.push(...(await Promise.all(batch)));
  }
  return idle;
}

function kickOf(reply: Buffer): { name: string; message: string } {
  if (reply[0] !== PACKET.KICK) return { name: `no KICK: ${reply.length} bytes`, message: '' };
  const length = (reply[1]! << 16) | (reply[2]! << 8) | reply[3]!;
  return decodeKick(reply.subarray(4, 4 + length));
}

function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** A new player logs in (HTTP), connects from another address, authenticates and is answered. */
async function bystanderServed(): Promise<void> {
  const health = await fetch(server.ready.http);
  expect(health.status).toBe(200);
  const username = `b${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await register(loginUrl, username, 'correct-horse-battery');
  const { token } = await login(loginUrl, username, 'correct-horse-battery');
  const client = await connectGate({ endpoint: gateInfo.tcp!, transport: fromBystanderAddress, gateKey: gateInfo.publicKey });
  await client.auth(token);
  expect(await client.request('Echo.echo', 'still served')).toBe('still served');
  client.close();
}

beforeAll(async () => {
  standalone = await startStandaloneProcess(
    {
      server: { role: 'standalone', host: '127.0.0.1' },
      cluster: { discovery: 'memory' },
      store: { backend: 'lmdb' },
      login: { scrypt: { N: 1024, r: 8, p: 1 }, rateLimit: { perIpPerMinute: 100_000, perIpPerUserPerMinute: 1_000, maxTracked: 1_000 } },
      gate: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, maxPendingPerAddress: PER_ADDRESS, fdReserve: 100 },
    },
    { openFileLimit: OPEN_FILES },
  );
  server = standalone.server;
  loginUrl = server.ready.login!;
  gateInfo = server.ready.gate!;
}, 60_000);

afterAll(async () => {
  await standalone?.stop();
});

describe('connections before the handshake', () => {
  it('fits the connection cap under the open-file limit, keeping the reserve, and says so', () => {
    expect(server.output()).toMatch(/exceed the open-file limit.*"openFileLimit":400.*"cap":300/);
  });

  it('refuses WebSocket sockets from one address past the cap with 503, closes the rest with 408 at the handshake timeout, and serves a bystander meanwhile', async () => {
    const idle = await idleSockets(gateInfo.ws!, IDLE);
    await bystanderServed();
    const replies = await Promise.all(idle.map((i) => i.closed));
    const statuses = tally(replies.map((reply) => /^HTTP\/1\.1 (\d+)/.exec(reply.toString())?.[1] ?? `no status: ${reply.length} bytes`));
    expect(statuses).toEqual({ '503': IDLE - PER_ADDRESS, '408': PER_ADDRESS });
    const refused = replies.find((r) => r.toString().startsWith('HTTP/1.1 503'))!.toString();
    expect(refused).toContain(`GATE_ERR_TOO_MANY_HANDSHAKES: ${GATE_ERRORS.GATE_ERR_TOO_MANY_HANDSHAKES.message}`);
    expect(refused).not.toMatch(/in progress|\d+ connections/);
    expect(server.output()).toContain('gate: connections refused at accept');
    // Every slot came back: a WebSocket client from the same address gets in.
    const client = await connectGate({ endpoint: gateInfo.ws!, transport: 'ws', gateKey: gateInfo.publicKey });
    client.close();
  }, 60_000);

  it('closes a WebSocket upgrade whose headers never finish with 408 at the handshake timeout', async () => {
    const [slow] = await idleSockets(gateInfo.ws!, 1, 'GET / HTTP/1.1\r\nHost: gate\r\nUpgrade: websocket\r\n');
    expect((await slow!.closed).toString()).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);

  it('refuses KCP sessions from one address past the cap as a full server, and closes the rest at the handshake timeout', async () => {
    const clock = new SystemClock();
    const timers = new TimerService({ clock, logger: new MemoryLogger() });
    const { host, port } = hostPort(gateInfo.kcp!);
    const attempts = await Promise.allSettled(
      Array.from({ length: 3 * PER_ADDRESS }, () => connectKcp(host, port, { clock, timers, kcp: { ...KCP_PRESETS.fast }, handshakeRetryMs: 200 })),
    );
    const sessions = attempts.filter((a): a is PromiseFulfilledResult<UdpKcpClient> => a.status === 'fulfilled').map((a) => a.value);
    const refusals = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected').map((a) => String(a.reason));
    expect(sessions).toHaveLength(PER_ADDRESS);
    expect(refusals).toHaveLength(2 * PER_ADDRESS);
    for (const refusal of refusals) expect(refusal).toContain('full');
    await bystanderServed();
    // Admitted, they never start the protocol handshake: the gate closes each.
    await Promise.all(sessions.map((s) => new Promise((resolve) => (s.session.closed ? resolve(undefined) : (s.session.onClose = resolve)))));
    await Promise.all(sessions.map((s) => s.close()));
    timers.stop();
  }, 60_000);

  // Last: the gate releases a kicked TCP socket's slot only once the client's side has closed too.
  it('refuses TCP connections from one address past the cap with GATE_ERR_TOO_MANY_HANDSHAKES, and times out the rest', async () => {
    const idle = await idleSockets(gateInfo.tcp!, IDLE);
    await bystanderServed();
    const kicks = (await Promise.all(idle.map((i) => i.closed))).map(kickOf);
    expect(tally(kicks.map((k) => k.name))).toEqual({ GATE_ERR_TOO_MANY_HANDSHAKES: IDLE - PER_ADDRESS, PROTOCOL_ERR_HANDSHAKE_TIMEOUT: PER_ADDRESS });
    // The client reads the catalogue's short text; the gate's counts stay in its log.
    expect(new Set(kicks.filter((k) => k.name === 'GATE_ERR_TOO_MANY_HANDSHAKES').map((k) => k.message))).toEqual(new Set([GATE_ERRORS.GATE_ERR_TOO_MANY_HANDSHAKES.message]));
  }, 60_000);
});
