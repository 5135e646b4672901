/**
 * The gate's and KCP's metrics in a real standalone process: clients over TCP, WebSocket and KCP
 * log in, send requests, notifies and a request to a route that does not exist, a raw connection
 * is refused at accept, another breaks the handshake, and `/metrics` shows each of them counted
 * (counts only, never timings).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GateClient } from '../client-sim/gate-client.js';
import { login, register } from '../client-sim/login.js';
import { connectGate } from '../client-sim/node-client.js';
import type { MainProcess } from '../engine/testing/main-process.js';
import { startStandaloneProcess, type StandaloneProcess } from './fixtures/standalone-process.js';

const TRANSPORTS = ['tcp', 'ws', 'kcp'] as const;

let standalone: StandaloneProcess;
let server: MainProcess;
let accounts = 0;

/** A connected, authenticated client over `transport`. */
async function player(transport: (typeof TRANSPORTS)[number]): Promise<GateClient> {
  const username = `m${process.pid}-${accounts++}`;
  const loginUrl = server.ready.login!;
  await register(loginUrl, username, 'correct-horse-battery');
  const { token, gate } = await login(loginUrl, username, 'correct-horse-battery');
  const client = await connectGate({ endpoint: gate[transport]!, transport, gateKey: gate.publicKey });
  await client.auth(token);
  return client;
}

/** Every sample `/metrics` serves, by its name and labels as written. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(new URL('/metrics', server.ready.http));
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** A raw TCP connection to the gate; `closed` resolves once the gate has closed it. */
async function rawConnection(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const [host, port] = server.ready.gate!.tcp!.split(':');
  const socket = connect({ host: host!, port: Number(port) });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.resume();
  // A refused connection may see a reset after its KICK: the close is what counts.
  const failed = new Promise<never>((_, reject) => socket.on('error', reject));
  failed.catch(() => {});
  await Promise.race([new Promise<void>((resolve) => socket.once('connect', resolve)), failed]);
  return { socket, closed };
}

beforeAll(async () => {
  standalone = await startStandaloneProcess({
    server: { role: 'standalone', host: '127.0.0.1' },
    cluster: { discovery: 'memory' },
    store: { backend: 'lmdb' },
    login: { scrypt: { N: 1024, r: 8, p: 1 }, hashing: { maxRegistrations: 20 } },
    // One connection at a time may be handshaking from an address: a second is refused at accept.
    gate: { maxPendingPerAddress: 1 },
  });
  server = standalone.server;
}, 120_000);

afterAll(async () => {
  await standalone?.stop();
});

describe('gate metrics, end to end', () => {
  it('count connections, handshakes, messages, bytes, requests by route, pushes and KCP sessions as clients play', async () => {
    const clients: GateClient[] = [];
    for (const transport of TRANSPORTS) {
      const client = await player(transport);
      clients.push(client);
      expect(await client.request('Echo.echo', { transport })).toEqual({ transport });
      await expect(client.request('No.such.route', 1)).rejects.toThrow();
      const chat = new Promise((resolve) => client.on('chat.message', resolve));
      client.notify('Chat.say', `hello over ${transport}`);
      await chat;
    }
    // The players have authenticated: a raw connection is the one handshaking from this address,
    // so the next is refused at accept; then the first breaks the handshake.
    const handshaking = await rawConnection();
    await (await rawConnection()).closed;
    handshaking.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await handshaking.closed;

    const samples = await scrape();
    const at = (line: string): number => samples.get(line) ?? Number.NaN;
    for (const transport of TRANSPORTS) {
      expect(at(`tessera_gate_connections{transport="${transport}"}`)).toBe(1);
      expect(at(`tessera_gate_handshakes_total{transport="${transport}"}`)).toBe(1);
      // sys.auth, Echo.echo, the unknown route and Chat.say.
      expect(at(`tessera_gate_messages_received_total{transport="${transport}"}`)).toBeGreaterThanOrEqual(4);
      // Their replies and at least the chat pushes.
      expect(at(`tessera_gate_messages_sent_total{transport="${transport}"}`)).toBeGreaterThanOrEqual(4);
      expect(at(`tessera_gate_received_bytes_total{transport="${transport}"}`)).toBeGreaterThan(0);
      expect(at(`tessera_gate_sent_bytes_total{transport="${transport}"}`)).toBeGreaterThan(0);
    }
    expect(at('tessera_gate_sessions')).toBe(3);
    expect(at('tessera_gate_pending_requests')).toBe(0);
    expect(at('tessera_gate_requests_total{route="sys.auth",outcome="ok"}')).toBe(3);
    expect(at('tessera_gate_requests_total{route="Echo.echo",outcome="ok"}')).toBe(3);
    expect(at('tessera_gate_request_duration_seconds_count{route="Echo.echo"}')).toBe(3);
    // A route that never answered ok takes no label of its own.
    expect(at('tessera_gate_requests_total{route="other",outcome="error"}')).toBe(3);
    expect([...samples.keys()].some((line) => line.includes('No.such.route'))).toBe(false);
    expect(at('tessera_gate_pushes_total')).toBeGreaterThanOrEqual(3);
    expect(at('tessera_gate_push_recipients_total')).toBeGreaterThanOrEqual(3);
    expect(at('tessera_gate_push_fanout_count')).toBe(at('tessera_gate_pushes_total'));
    expect(at('tessera_gate_handshake_failures_total{transport="tcp",code="PROTOCOL_ERR_BAD_PACKET_TYPE"}')).toBe(1);
    expect(at('tessera_gate_handshake_failures_total{transport="tcp",code="GATE_ERR_TOO_MANY_HANDSHAKES"}')).toBe(1);
    expect(at('tessera_gate_kicks_total{code="PROTOCOL_ERR_BAD_PACKET_TYPE"}')).toBe(1);
    expect(at('tessera_kcp_sessions')).toBe(1);
    expect(samples.has('tessera_kcp_retransmits_total{kind="timeout"}')).toBe(true);
    expect(samples.has('tessera_kcp_dropped_datagrams_total{reason="bad_cookie"}')).toBe(true);
    expect(samples.has('tessera_kcp_rtt_seconds_count')).toBe(true);
    expect(samples.has('nodejs_eventloop_lag_seconds')).toBe(true);

    for (const client of clients) client.close();
  }, 120_000);
});
