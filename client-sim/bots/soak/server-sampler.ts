/**
 * Samples a soak server: resident memory from /proc (no work for the server), its JS heap after a
 * full garbage collection and its CPU time through the inspector (one collection per sample, so
 * that the heap series shows what is kept rather than the garbage of the last second), and the
 * sessions and entities it holds from `/health`. At the end, its active handles and timers.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../../engine/timer/clock.js';
import type { InspectorClient } from './inspector-client.js';

const MIB = 1024 * 1024;
const HEALTH_TIMEOUT_MS = 5_000;

/** One sample of the server. Memory in MiB. */
export interface ServerSample {
  /** Seconds since the soak started. */
  t: number;
  rssMiB: number;
  heapUsedMiB: number;
  /** Memory outside the JS heap that JS objects hold (buffers), MiB. */
  externalMiB: number;
  /** CPU time used since the previous sample over the time between them, 100 = one core. */
  cpuPercent: number;
  /** Sessions on its gate and its lobby, the lobby's entities and the engine's pending timers; undefined when /health did not answer. */
  gateSessions: number | undefined;
  lobbySessions: number | undefined;
  entities: number | undefined;
  timers: number | undefined;
}

/** What the server holds besides memory: timers, and handles by type. */
export interface ServerResources {
  /** The engine's pending timers (its timer service, from `/health`); undefined when /health did not answer. */
  timers: number | undefined;
  /** Node's timers not yet fired or cleared, whether they keep the process alive or not. */
  nodeTimers: number;
  /** The same by delay in whole ms, the five most common, most first: `[delay, count]`. */
  nodeTimerDelays: Array<[number, number]>;
  /** Handles and requests that keep the event loop alive, by type (`TCPSocketWrap`, `UDPWrap`…), timers left out. */
  handles: Record<string, number>;
}

/** Samples one server; see the module comment. */
export class ServerSampler {
  private lastCpuMicros: number | undefined;
  private lastAt = 0;

  /**
   * @param startMs the soak's start, in clock time, read at each sample; samples count their `t` from it.
   */
  constructor(
    private readonly server: { pid: number; health: string },
    private readonly inspector: InspectorClient,
    private readonly clock: Clock,
    private readonly startMs: () => number,
  ) {}

  /** One sample. Rejects when the inspector does not answer (the server is gone or stalled). */
  async sample(): Promise<ServerSample> {
    const [memory, load, procRss] = await Promise.all([this.heldAndCpu(), this.load(), readRssBytes(this.server.pid)]);
    const now = this.clock.now();
    const cpuMicros = memory.cpu.user + memory.cpu.system;
    const cpuPercent = this.lastCpuMicros === undefined || now <= this.lastAt ? 0 : ((cpuMicros - this.lastCpuMicros) / 1000 / (now - this.lastAt)) * 100;
    this.lastCpuMicros = cpuMicros;
    this.lastAt = now;
    return {
      t: (now - this.startMs()) / 1000,
      rssMiB: (procRss ?? memory.memory.rss) / MIB,
      heapUsedMiB: memory.memory.heapUsed / MIB,
      externalMiB: memory.memory.external / MIB,
      cpuPercent,
      gateSessions: load?.gateSessions,
      lobbySessions: load?.lobbySessions,
      entities: load?.entities,
      timers: load?.timers,
    };
  }

  /** The server's timers and active handles now. */
  async resources(): Promise<ServerResources> {
    const [types, delays, load] = await Promise.all([this.inspector.evaluate<string[]>('process.getActiveResourcesInfo()'), this.nodeTimerDelays(), this.load()]);
    const handles: Record<string, number> = {};
    for (const type of types) if (type !== 'Timeout') handles[type] = (handles[type] ?? 0) + 1;
    const byCount = Object.entries(delays).map(([delay, n]): [number, number] => [Number(delay), n]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { timers: load?.timers, nodeTimers: byCount.reduce((sum, [, n]) => sum + n, 0), nodeTimerDelays: byCount.slice(0, 5), handles };
  }

  // Every live Timeout object that has neither fired (once) nor been cleared, counted by its delay:
  // unref'd ones too, which process.getActiveResourcesInfo() leaves out, as the engine's clock unrefs its own.
  private async nodeTimerDelays(): Promise<Record<string, number>> {
    const objectGroup = 'soak-timers';
    try {
      const proto = (await this.inspector.send('Runtime.evaluate', {
        expression: '(() => { const t = setTimeout(() => {}, 0); clearTimeout(t); return Object.getPrototypeOf(t); })()',
        objectGroup,
      })) as { result: { objectId: string } };
      const found = (await this.inspector.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup })) as { objects: { objectId: string } };
      const count = (await this.inspector.send('Runtime.callFunctionOn', {
        objectId: found.objects.objectId,
        functionDeclaration: 'function () { const by = {}; for (const t of this) if (!t._destroyed) { const d = Math.round(t._idleTimeout); by[d] = (by[d] || 0) + 1; } return by; }',
        returnByValue: true,
        objectGroup,
      })) as { result: { value: Record<string, number> } };
      return count.result.value;
    } finally {
      await this.inspector.send('Runtime.releaseObjectGroup', { objectGroup });
    }
  }

  private async heldAndCpu(): Promise<{ memory: { rss: number; heapUsed: number; external: number }; cpu: { user: number; system: number } }> {
    await this.inspector.send('HeapProfiler.collectGarbage');
    return this.inspector.evaluate('({ memory: process.memoryUsage(), cpu: process.cpuUsage() })');
  }

  private async load(): Promise<Record<string, number> | undefined> {
    try {
      const res = await fetch(this.server.health, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      const body = (await res.json()) as { load?: Record<string, number> };
      return body.load;
    } catch {
      return undefined;
    }
  }
}

/** A process's resident memory in bytes from /proc, or undefined where there is no /proc (or no such process). */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}
