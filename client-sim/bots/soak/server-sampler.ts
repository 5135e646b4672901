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
  /** Sessions on its gate and its lobby, and the lobby's entities; undefined when /health did not answer. */
  gateSessions: number | undefined;
  lobbySessions: number | undefined;
  entities: number | undefined;
}

/** What keeps the server's event loop busy at the end: handles and requests by type (`TCPSocketWrap`, `Timeout`…). */
export interface ServerResources {
  /** Pending timers (`Timeout` entries). */
  timers: number;
  /** Everything else: sockets, servers, file requests, by type. */
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
    };
  }

  /** The server's active handles and timers now. */
  async resources(): Promise<ServerResources> {
    const types = await this.inspector.evaluate<string[]>('process.getActiveResourcesInfo()');
    const handles: Record<string, number> = {};
    let timers = 0;
    for (const type of types) {
      if (type === 'Timeout') timers++;
      else handles[type] = (handles[type] ?? 0) + 1;
    }
    return { timers, handles };
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
