/**
 * Hostile clients that never finish their handshake, against a real gate (a standalone main.ts
 * process), while a bystander plays: hundreds of TCP and WebSocket sockets from several addresses
 * sending a byte a second, and KCP handshakes left half-open from hundreds of source ports. The
 * gate refuses what is past its pending caps at once, closes the rest at its handshake timeout (or,
 * for connections that finish the handshake and never authenticate, at its authentication
 * timeout), and the bystander's requests are answered in order all along. The counts are small enough for CI;
 * `npm run bench -- hostile` pushes them to thousands.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGate, type GateClient } from '../../client-sim/node-client.js';
import { createTcpTransport } from '../../client-sim/node-transports.js';
import { login, register } from '../../client-sim/login.js';
import { CONTROL, decodeControl, encodeControl } from '../../engine/net/kcp/control.js';
import { KCP_PRESETS } from '../../engine/net/kcp/kcp-options.js';
import { connectKcp, type UdpKcpClient } from '../../engine/net/kcp/udp-kcp.js';
import { PACKET } from '../../engine/protocol/constants.js';
import { decodeKick } from '../../engine/protocol/kick.js';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import { GATE_ERRORS } from '../errors.js';
import { Bystander } from './fixtures/bystander.js';
import { startHostileServer, type HostileServer } from './fixtures/hostile-standalone.js';
import { clientHandshakeBytes, openSlowCrowd } from './fixtures/slow-sockets.js';

const PER_ADDRESS = 16;
const MAX_PENDING = 256;
const HANDSHAKE_TIMEOUT_MS = 6_000;
const AUTH_TIMEOUT_MS = 8_000;
/** Eight attacking addresses, none of them the bystanders' (127.0.0.2, 127.0.0.3). */
const ATTACKERS = Array.from({ length: 8 }, (_, i) => `127.0.1.${i + 1}`);

let server: HostileServer;
let bystander: Bystander;

function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

function kickName(reply: Buffer): string {
  if (reply[0] !== PACKET.KICK) return `no KICK: ${reply.length} bytes`;
  const length = (reply[1]! << 16) | (reply[2]! << 8) | reply[3]!;
  return decodeKick(reply.subarray(4, 4 + length)).name;
}

beforeAll(async () => {
  server = await startHostileServer({ gate: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, authTimeoutMs: AUTH_TIMEOUT_MS, maxPendingConnections: MAX_PENDING, maxPendingPerAddress: PER_ADDRESS } });
  bystander = await Bystander.start({ loginUrl: server.loginUrl, gate: server.gate });
}, 60_000);

afterAll(async () => {
  const report = await bystander?.stop();
  await server?.standalone.stop();
  expect(report?.problems).toEqual([]);
});

describe('slow handshakes', () => {
  it('refuses TCP sockets past the per-address cap with GATE_ERR_TOO_MANY_HANDSHAKES and closes the rest at the handshake timeout, while a bystander plays and a new player gets in', async () => {
    const crowd = await openSlowCrowd({ endpoint: server.gate.tcp, addresses: ATTACKERS, perAddress: 50, bytes: clientHandshakeBytes(Buffer.from(server.gate.publicKey, 'base64')) });
    try {
      await bystander.served();
      // A player arriving in the middle of the attack, from an address of its own.
      const username = `late${process.pid}`;
      await register(server.loginUrl, username, 'late-player-password');
      const { token } = await login(server.loginUrl, username, 'late-player-password');
      const late = await connectGate({ endpoint: server.gate.tcp, transport: createTcpTransport({ localAddress: '127.0.0.3' }), gateKey: server.gate.publicKey });
      await late.auth(token);
      expect(await late.request('Echo.echo', 'in')).toBe('in');
      late.close();

      const kicks = (await Promise.all(crowd.sockets.map((s) => s.closed))).map(kickName);
      const admitted = ATTACKERS.length * PER_ADDRESS;
      expect(tally(kicks)).toEqual({ GATE_ERR_TOO_MANY_HANDSHAKES: crowd.sockets.length - admitted, PROTOCOL_ERR_HANDSHAKE_TIMEOUT: admitted });
      await bystander.served();
    } finally {
      crowd.stop();
    }
  }, 60_000);

  it('refuses WebSocket upgrades past the per-address cap with 503 and answers the rest, whose headers never end, with 408 at the handshake timeout', async () => {
    const upgrade = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: gate\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    const crowd = await openSlowCrowd({ endpoint: server.gate.ws, addresses: ATTACKERS.slice(0, 4), perAddress: 25, bytes: upgrade });
    try {
      await bystander.served();
      const replies = await Promise.all(crowd.sockets.map((s) => s.closed));
      const statuses = tally(replies.map((reply) => /^HTTP\/1\.1 (\d+)/.exec(reply.toString())?.[1] ?? `no status: ${reply.length} bytes`));
      expect(statuses).toEqual({ '503': 4 * (25 - PER_ADDRESS), '408': 4 * PER_ADDRESS });
      expect(replies.find((r) => r.toString().startsWith('HTTP/1.1 503'))!.toString()).toContain(`GATE_ERR_TOO_MANY_HANDSHAKES: ${GATE_ERRORS.GATE_ERR_TOO_MANY_HANDSHAKES.message}`);
      await bystander.served();
    } finally {
      crowd.stop();
    }
  }, 60_000);
});

describe('connections that finish the handshake and never authenticate', () => {
  it('count against the per-address cap until they authenticate, and are closed with GATE_ERR_AUTH_TIMEOUT', async () => {
    const transport = createTcpTransport({ localAddress: '127.0.4.1' });
    const connect = (): Promise<GateClient> => connectGate({ endpoint: server.gate.tcp, transport, gateKey: server.gate.publicKey });
    const idle = await Promise.all(Array.from({ length: PER_ADDRESS }, connect));
    const closed = idle.map((client) => new Promise<string>((resolve) => client.onClose((reason) => resolve(reason.name))));
    expect(await connect().then(() => 'accepted', (err: { serverCode?: string }) => err.serverCode)).toBe('GATE_ERR_TOO_MANY_HANDSHAKES');
    await bystander.served();
    expect(tally(await Promise.all(closed))).toEqual({ GATE_ERR_AUTH_TIMEOUT: PER_ADDRESS });
    // Their slots came back.
    (await connect()).close();
    await bystander.served();
  }, 60_000);
});

describe('half-open KCP handshakes', () => {
  const clock = new SystemClock();
  const timers = new TimerService({ clock, logger: new MemoryLogger() });
  afterAll(() => timers.stop());

  it('answers a HELLO from each of 500 source ports with a cookie smaller than it, keeps nothing for them, and drops their forged CONNECTs', async () => {
    const { port } = { port: Number(server.gate.kcp.split(':').pop()) };
    const sockets: UdpSocket[] = [];
    try {
      const cookies = await Promise.all(
        Array.from({ length: 500 }, async () => {
          const socket = createSocket('udp4');
          sockets.push(socket);
          socket.on('error', () => undefined);
          const answer = new Promise<Buffer>((resolve) => socket.once('message', resolve));
          const nonce = randomBytes(8);
          socket.send(encodeControl({ type: CONTROL.HELLO, nonce }), port, '127.0.0.1');
          const reply = await answer;
          const cookie = decodeControl(reply);
          if (typeof cookie === 'string' || cookie.type !== CONTROL.COOKIE) throw new Error(`not a COOKIE: ${String(cookie)}`);
          expect(reply.length).toBeLessThan(64);
          // A forged cookie: the CONNECT is dropped without an answer or a session.
          const forged = Buffer.from(cookie.cookie);
          forged[forged.length - 1]! ^= 1;
          socket.send(encodeControl({ type: CONTROL.CONNECT, nonce, cookie: forged }), port, '127.0.0.1');
          return cookie;
        }),
      );
      expect(cookies).toHaveLength(500);
      await bystander.served();
      // Only the bystander's connection is open: a HELLO makes no session and no pending connection.
      await expect.poll(async () => (await server.load()).gateConnections, { timeout: 10_000 }).toBe(1);
      expect((await server.load()).gatePending).toBe(0);
    } finally {
      for (const socket of sockets) socket.close();
    }
  }, 60_000);

  it('refuses KCP sessions from one address past the cap, from 200 source ports, as a full server, and closes the admitted ones at the handshake timeout', async () => {
    const [host, port] = server.gate.kcp.split(':') as [string, string];
    const attempts = await Promise.allSettled(
      Array.from({ length: 200 }, () => connectKcp(host, Number(port), { clock, timers, kcp: { ...KCP_PRESETS.fast }, handshakeRetryMs: 500 })),
    );
    const sessions = attempts.filter((a): a is PromiseFulfilledResult<UdpKcpClient> => a.status === 'fulfilled').map((a) => a.value);
    const refusals = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected').map((a) => String(a.reason));
    try {
      expect(sessions).toHaveLength(PER_ADDRESS);
      expect(new Set(refusals.map((r) => r.replace(/^.*: /, '')))).toEqual(new Set(['the KCP server is full']));
      await bystander.served();
      await Promise.all(sessions.map((s) => new Promise((resolve) => (s.session.closed ? resolve(undefined) : (s.session.onClose = resolve)))));
      await bystander.served();
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  }, 60_000);
});
