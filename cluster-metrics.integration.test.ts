/**
 * The RPC, lobby, store and discovery metrics of real processes: a cluster of main.ts processes
 * (a login service, a gate, a lobby) on the harness's etcd, FerretDB and Redis, and a standalone
 * main.ts as `npm start` runs it, each scraped at `/metrics` while a player of the client SDK logs
 * in, plays and leaves. Counts only, never timings.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { GateClient } from './client-sim/gate-client.js';
import { login, register } from './client-sim/login.js';
import { connectGate } from './client-sim/node-client.js';
import { startMain, type MainProcess } from './engine/testing/main-process.js';
import { startProcessCluster, stopProcess, waitUntil, type ProcessCluster } from './gate/fixtures/cluster-of-processes.js';

const PASSWORD = 'correct-horse-battery';

/** One sample of the text exposition format: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a scrape (label values in this cluster hold no quotes or commas). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Scrapes `/metrics` of a process. */
async function scrape(proc: MainProcess): Promise<Sample[]> {
  const res = await fetch(proc.ready.http.replace(/health$/, 'metrics'));
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

/** Polls the scrape of `proc` until `holds` is true of it, and returns that scrape. */
async function scrapeUntil(proc: MainProcess, what: string, holds: (samples: Sample[]) => boolean, timeoutMs = 20_000): Promise<Sample[]> {
  return waitUntil(what, async () => {
    const samples = await scrape(proc);
    return holds(samples) && samples;
  }, timeoutMs, 200);
}

describe('metrics of a cluster of real processes', () => {
  let cluster: ProcessCluster;
  let client: GateClient | undefined;

  beforeAll(async () => {
    cluster = await startProcessCluster({
      name: `metrics-cluster-${process.pid}`,
      etcdUrl: inject('etcdUrl'),
      mongoUrl: inject('mongoUrl'),
      redisUrl: inject('redisUrl'),
      gates: 1,
      lobbies: 1,
    });
  }, 90_000);

  afterAll(async () => {
    if (client?.isOpen) client.close();
    await cluster?.stop();
  }, 30_000);

  it('moves the RPC, lobby, store and discovery metrics of every role while a player plays', async () => {
    const [gate] = cluster.gates as [MainProcess];
    const [lobby] = cluster.lobbies as [MainProcess];
    const { services } = cluster;
    const lobbyBefore = await scrape(lobby);
    const gateBefore = await scrape(gate);

    const uid = await register(cluster.loginUrl, 'metrics-player', PASSWORD);
    const session = await waitUntil('a gate offered at login', () => login(cluster.loginUrl, 'metrics-player', PASSWORD), 15_000, 200);
    client = await connectGate({ endpoint: session.gate.tcp!, transport: 'tcp', gateKey: session.gate.publicKey });
    await client.auth(session.token);
    expect(client.session).toMatchObject({ uid });
    expect(await client.request('Echo.echo', { n: 1 })).toEqual({ n: 1 });
    const pushed = new Promise((resolve) => client!.on('inventory.changed', resolve));
    await client.request('Inventory.buy', 'sword', 30);
    await pushed;

    // The lobby: the player's session, its ticks, the gate's calls, its push, its avatar in MongoDB.
    const lobbyPlaying = await scrapeUntil(lobby, 'the lobby counting the player', (s) => total(s, 'tessera_lobby_sessions') === 1);
    expect(total(lobbyPlaying, 'tessera_lobby_entities')).toBeGreaterThanOrEqual(1);
    expect(total(lobbyPlaying, 'tessera_lobby_tick_duration_seconds_count', { space: 'lobby' })).toBeGreaterThan(total(lobbyBefore, 'tessera_lobby_tick_duration_seconds_count', { space: 'lobby' }));
    expect(total(lobbyPlaying, 'tessera_rpc_calls_total', { direction: 'received' })).toBeGreaterThan(total(lobbyBefore, 'tessera_rpc_calls_total', { direction: 'received' }));
    expect(total(lobbyPlaying, 'tessera_rpc_notifies_total', { direction: 'sent' })).toBeGreaterThan(0);
    expect(total(lobbyPlaying, 'tessera_gate_link_pushes_total')).toBeGreaterThan(0);
    expect(total(lobbyPlaying, 'tessera_gate_link_failures_total')).toBe(0);
    expect(total(lobbyPlaying, 'tessera_rpc_links')).toBeGreaterThanOrEqual(1);
    expect(total(lobbyPlaying, 'tessera_store_operation_duration_seconds_count', { backend: 'mongodb', operation: 'claimOwner' })).toBeGreaterThan(0);
    expect(total(lobbyPlaying, 'tessera_store_operation_duration_seconds_count', { backend: 'mongodb', operation: 'load' })).toBeGreaterThan(0);
    expect(total(lobbyPlaying, 'tessera_discovery_registered')).toBe(1);
    expect(total(lobbyPlaying, 'tessera_discovery_servers', { type: 'gate' })).toBe(1);
    expect(total(lobbyPlaying, 'tessera_discovery_servers', { type: 'services' })).toBe(1);

    // The gate: its calls to the lobby's sessions service, timed by scope, over one link.
    const gatePlaying = await scrape(gate);
    expect(total(gatePlaying, 'tessera_rpc_calls_total', { direction: 'sent' })).toBeGreaterThan(total(gateBefore, 'tessera_rpc_calls_total', { direction: 'sent' }));
    expect(total(gatePlaying, 'tessera_rpc_call_duration_seconds_count', { scope: 'sessions' })).toBeGreaterThanOrEqual(3); // bind, echo, buy
    expect(total(gatePlaying, 'tessera_rpc_notifies_total', { direction: 'received' })).toBeGreaterThan(0);
    expect(total(gatePlaying, 'tessera_rpc_links')).toBeGreaterThanOrEqual(1);
    expect(total(gatePlaying, 'tessera_rpc_pending_calls')).toBe(0);
    expect(total(gatePlaying, 'tessera_discovery_registered')).toBe(1);
    expect(total(gatePlaying, 'tessera_discovery_servers', { type: 'lobby' })).toBe(1);
    expect(total(gatePlaying, 'tessera_store_operation_duration_seconds_count')).toBe(0); // a gate has no store

    // The login service: the accounts it read and wrote in MongoDB.
    const servicesPlaying = await scrape(services);
    expect(total(servicesPlaying, 'tessera_store_operation_duration_seconds_count', { backend: 'mongodb' })).toBeGreaterThan(0);
    expect(total(servicesPlaying, 'tessera_discovery_registered')).toBe(1);

    // Leases are renewed every third of their 2 s.
    for (const proc of [gate, lobby, services]) await scrapeUntil(proc, `${proc.ready.role} renewing its lease`, (s) => total(s, 'tessera_discovery_lease_renewals_total') > 0);

    // The player leaves: the lobby saves the avatar and lets the session go.
    client.close();
    const lobbyLeft = await scrapeUntil(lobby, 'the lobby saving the avatar of the player who left', (s) => total(s, 'tessera_lobby_sessions') === 0 && total(s, 'tessera_lobby_saves_total', { outcome: 'ok' }) > 0);
    expect(total(lobbyLeft, 'tessera_lobby_saves_total', { outcome: 'failed' })).toBe(0);
    expect(total(lobbyLeft, 'tessera_store_errors_total', { operation: 'saveBatch' })).toBe(0);
    expect(total(lobbyLeft, 'tessera_lobby_save_queue')).toBe(0);
    expect(total(lobbyLeft, 'tessera_discovery_lease_losses_total')).toBe(0);
  }, 90_000);
});

describe('metrics of a standalone process', () => {
  let dir: string;
  let main: MainProcess;
  let client: GateClient | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'metrics-standalone-'));
    main = await startMain([
      '--role', 'standalone', '--http.port', '0', '--rpc.port', '0', '--store.lmdb.path', join(dir, 'lmdb'),
      '--gate.tcpPort', '0', '--gate.wsPort', '0', '--gate.kcpPort', '0', '--gate.identityKeyPath', join(dir, 'gate.key'),
    ]);
  }, 60_000);

  afterAll(async () => {
    if (client?.isOpen) client.close();
    if (main) await stopProcess(main);
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('moves the RPC, lobby, store and discovery metrics while a player plays', async () => {
    const before = await scrape(main);
    const loginUrl = main.ready.login!;
    await register(loginUrl, 'solo-player', PASSWORD);
    const session = await waitUntil('a gate offered at login', () => login(loginUrl, 'solo-player', PASSWORD), 15_000, 200);
    client = await connectGate({ endpoint: session.gate.tcp!, transport: 'tcp', gateKey: session.gate.publicKey });
    await client.auth(session.token);
    await client.request('Inventory.buy', 'shield', 10);

    // The gate's calls to the lobby stay in the process: sent and received by the same node.
    const playing = await scrapeUntil(main, 'the lobby counting the player', (s) => total(s, 'tessera_lobby_sessions') === 1);
    for (const direction of ['sent', 'received']) {
      expect(total(playing, 'tessera_rpc_calls_total', { direction })).toBeGreaterThan(total(before, 'tessera_rpc_calls_total', { direction }));
    }
    expect(total(playing, 'tessera_rpc_call_duration_seconds_count', { scope: 'sessions' })).toBeGreaterThanOrEqual(2); // bind, buy
    expect(total(playing, 'tessera_lobby_tick_duration_seconds_count', { space: 'lobby' })).toBeGreaterThan(0);
    expect(total(playing, 'tessera_gate_link_pushes_total')).toBeGreaterThan(0);
    expect(total(playing, 'tessera_store_operation_duration_seconds_count', { backend: 'lmdb' })).toBeGreaterThan(0);
    expect(total(playing, 'tessera_discovery_registered')).toBe(1);
    expect(total(playing, 'tessera_discovery_servers', { type: 'standalone' })).toBe(1);

    client.close();
    await scrapeUntil(main, 'the lobby saving the avatar of the player who left', (s) => total(s, 'tessera_lobby_sessions') === 0 && total(s, 'tessera_lobby_saves_total', { outcome: 'ok' }) > 0);
  }, 60_000);
});
