/**
 * Bots behind bad networks against a real standalone server (the inventory example, its echo
 * route): KCP through 150 ms each way and 5% loss, TCP and WebSocket with latency, a bandwidth
 * cap, and nothing left open once the client has closed. Round trips are checked against the
 * least the emulated link allows, never against an upper bound.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LinkPair } from '../../engine/net/emulator/link-pair.js';
import { startMain, type MainProcess } from '../../engine/testing/main-process.js';
import { parseNetworkProfile } from '../bots/network-profile.js';
import type { ClientTransportFactory, ClientTransportKind } from '../client-transport.js';
import type { GateClient } from '../gate-client.js';
import { login, register } from '../login.js';
import { connectGate } from '../node-client.js';
import { emulatedTransport } from './emulated-transport.js';

let server: MainProcess;
let dir: string;
let users = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulated-link-'));
  server = await startMain([
    '--role', 'standalone', '--game', 'examples/inventory', '--http.port', '0', '--rpc.port', '0',
    '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0',
    '--gate.identityKeyPath', join(dir, 'gate.key'), '--store.lmdb.path', join(dir, 'lmdb'), '--login.scrypt.N', '1024',
  ]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Registers a new player, logs in and connects over `kind` through `transport`. */
async function connect(kind: ClientTransportKind, transport: ClientTransportFactory): Promise<GateClient> {
  const base = server.ready.login!;
  const username = `emulated-${kind}-${++users}`;
  await register(base, username, 'emulated-password-1');
  const { token, gate } = await login(base, username, 'emulated-password-1');
  const client = await connectGate({ endpoint: gate[kind]!, transport, gateKey: gate.publicKey, handshakeTimeoutMs: 30_000, requestTimeoutMs: 30_000 });
  await client.auth(token);
  return client;
}

/** Round trips of `count` echoes, in ms. */
async function echoes(client: GateClient, count: number, value: unknown = 'hello'): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await client.request('Echo.echo', value);
    expect(reply instanceof Uint8Array ? new Uint8Array(reply) : reply).toEqual(value);
    times.push(performance.now() - started);
  }
  return times;
}

const handles = (name: string): number => process.getActiveResourcesInfo().filter((resource) => resource === name).length;

describe('emulatedTransport against a real gate', () => {
  it('completes KCP requests through 150 ms each way and 5% loss, each round trip taking at least 300 ms, and closes its relay after', async () => {
    const before = handles('UDPWrap');
    const links: LinkPair[] = [];
    const transport = emulatedTransport('kcp', parseNetworkProfile('bad'), { seed: 1, onLink: (link) => links.push(link) });
    const client = await connect('kcp', transport);
    expect(handles('UDPWrap')).toBe(before + 2); // the client's socket and its relay
    const times = await echoes(client, 10);
    for (const ms of times) expect(ms).toBeGreaterThanOrEqual(300);
    client.close();
    await vi.waitFor(() => expect(handles('UDPWrap')).toBe(before), { timeout: 20_000, interval: 50 });
    // The link did lose datagrams, and KCP sent them again.
    expect(links).toHaveLength(1);
    expect(links[0]!.aToB.stats.lost + links[0]!.bToA.stats.lost).toBeGreaterThan(0);
  }, 90_000);

  it.each(['tcp', 'ws'] as const)('delays %s requests by the latency each way, and leaves no socket once closed', async (kind) => {
    const socketsBefore = handles('TCPSocketWrap');
    const transport = emulatedTransport(kind, parseNetworkProfile('latency=100ms,jitter=10ms'), { seed: 2 });
    const client = await connect(kind, transport);
    const times = await echoes(client, 5);
    for (const ms of times) expect(ms).toBeGreaterThanOrEqual(200);
    client.close();
    await vi.waitFor(() => expect(handles('TCPSocketWrap')).toBe(socketsBefore), { timeout: 20_000, interval: 50 });
  }, 60_000);

  it('holds TCP to its bandwidth cap: 20 kB each way at 20 kB/s takes at least two seconds', async () => {
    const transport = emulatedTransport('tcp', parseNetworkProfile('bandwidth=20KB/s'), { seed: 3 });
    const client = await connect('tcp', transport);
    // Random bytes do not compress, so the request and its reply each carry the whole 20 kB.
    const [ms] = await echoes(client, 1, new Uint8Array(randomBytes(20_000)));
    expect(ms).toBeGreaterThanOrEqual(2_000);
    client.close();
  }, 60_000);

  it('fails a KCP connect to a port where no gate answers with CLIENT_ERR_CONNECT_FAILED naming the real address', async () => {
    const before = handles('UDPWrap');
    const transport = emulatedTransport('kcp', parseNetworkProfile('latency=10ms'), { seed: 4, connectTimeoutMs: 1_000 });
    const endpoint = '127.0.0.1:9';
    const err = await transport(endpoint, { onData: () => {}, onClose: () => {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CLIENT_ERR_CONNECT_FAILED' });
    expect((err as Error).message).toContain(`through the emulated link to ${endpoint}`);
    await vi.waitFor(() => expect(handles('UDPWrap')).toBe(before), { timeout: 5_000, interval: 20 });
  }, 30_000);
});
