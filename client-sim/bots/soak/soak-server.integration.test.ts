/**
 * The soak's server and its sampler against a real standalone process: it starts with its
 * inspector, the sampler reads its memory, CPU and sessions as a client comes and goes, and its
 * handles and timers; it stops cleanly on SIGTERM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SystemClock } from '../../../engine/timer/clock.js';
import { connectGate, login, register } from '../../node-client.js';
import { connectInspector, type InspectorClient } from './inspector-client.js';
import { ServerSampler, readRssBytes } from './server-sampler.js';
import { startSoakServer, type SoakServer } from './soak-server.js';

const clock = new SystemClock();
const start = clock.now();
let dir: string;
let server: SoakServer;
let inspector: InspectorClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'soak-server-'));
  server = await startSoakServer({ game: 'examples/inventory', dir, clock });
  inspector = await connectInspector(server.inspector, { clock });
}, 90_000);

afterAll(async () => {
  inspector?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the soak server and its sampler', () => {
  it('samples memory, CPU and the sessions a client holds, which end when it leaves', async () => {
    const sampler = new ServerSampler(server, inspector, clock, () => start);
    const idle = await sampler.sample();
    expect(idle.rssMiB).toBeGreaterThan(idle.heapUsedMiB);
    expect(idle.heapUsedMiB).toBeGreaterThan(1);
    expect(idle.externalMiB).toBeGreaterThan(0);
    expect(idle).toMatchObject({ gateSessions: 0, lobbySessions: 0, cpuPercent: 0, timers: expect.any(Number) });

    await register(server.login, 'soaker', 'soak-password-1');
    const { token, gate } = await login(server.login, 'soaker', 'soak-password-1');
    const client = await connectGate({ endpoint: gate.tcp!, transport: 'tcp', gateKey: gate.publicKey });
    await client.auth(token);
    await vi.waitFor(async () => expect(await sampler.sample()).toMatchObject({ gateSessions: 1, lobbySessions: 1 }), { timeout: 10_000 });
    const busy = await sampler.sample();
    expect(busy.t).toBeGreaterThan(idle.t);
    expect(busy.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(busy.entities).toBeGreaterThanOrEqual(1);
    client.close();
    await vi.waitFor(async () => expect(await sampler.sample()).toMatchObject({ gateSessions: 0, lobbySessions: 0 }), { timeout: 10_000 });
  });

  it('reads resident memory from /proc, and the active handles and timers through the inspector', async () => {
    expect(await readRssBytes(server.pid)).toBeGreaterThan(10 * 1024 * 1024);
    expect(await readRssBytes(2 ** 22 + 7)).toBeUndefined();
    const resources = await new ServerSampler(server, inspector, clock, () => start).resources();
    // Listeners: HTTP, RPC and the TCP and WebSocket gates; KCP's UDP socket.
    expect(resources.handles.TCPServerWrap).toBeGreaterThanOrEqual(4);
    expect(resources.handles.UDPWrap).toBeGreaterThanOrEqual(1);
    // The engine's timer service and Node's own timers (the engine's clock unrefs its timeouts: counted all the same).
    expect(resources.timers).toBeGreaterThanOrEqual(1);
    expect(resources.nodeTimers).toBeGreaterThanOrEqual(1);
    expect(Object.keys(resources.handles)).not.toContain('Timeout');
    // Timers the server sets are counted until they fire or are cleared (give or take the few the
    // server sets and clears for itself meanwhile, such as the HTTP connection's keep-alive).
    const sampler = new ServerSampler(server, inspector, clock, () => start);
    await inspector.evaluate('(globalThis.soakTimers = Array.from({ length: 50 }, () => setTimeout(() => {}, 60_000).unref()), 0)');
    const more = await sampler.resources();
    await inspector.evaluate('(globalThis.soakTimers.forEach((t) => clearTimeout(t)), 0)');
    const fewer = await sampler.resources();
    // Counted by their delay, whatever the server's own timers did meanwhile (they come and go by
    // the dozen on a loaded machine: keep-alives, retries, deadlines), so totals are not compared.
    const minuteTimers = (delays: typeof fewer.nodeTimerDelays): number => delays.find(([delay]) => delay === 60_000)?.[1] ?? 0;
    expect(minuteTimers(more.nodeTimerDelays)).toBeGreaterThanOrEqual(minuteTimers(resources.nodeTimerDelays) + 50);
    // The fifty are gone once cleared.
    expect(minuteTimers(fewer.nodeTimerDelays)).toBeLessThanOrEqual(minuteTimers(more.nodeTimerDelays) - 50);
  });

  it('keeps only the end of the output and counts the warnings and errors it logged', () => {
    expect(server.tail()).toMatch(/ ready \{/);
    expect(server.tail().length).toBeLessThanOrEqual(64 * 1024);
    expect(server.problems()).toMatchObject({ warnings: expect.any(Number), errors: 0 });
  });

  it('evaluates in the server and reports its exceptions as errors', async () => {
    expect(await inspector.evaluate<number>('1 + 2')).toBe(3);
    await expect(inspector.evaluate('notDefinedAnywhere.x')).rejects.toThrow(/inspector: ReferenceError: notDefinedAnywhere is not defined/);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    inspector.close();
    expect(await server.stop()).toBe(0);
  });
});
