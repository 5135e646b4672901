/**
 * The CPU the processes of a measurement used, by name (`lobbies`, `gates`, `etcd`, `bots` …), in
 * cores: CPU seconds from /proc/<pid>/stat read at two moments, over the wall time between them.
 * It names where a scaling curve stops: the one that uses all the CPU it may, or the machine,
 * when its cores are all busy (with whatever else runs on it, which the figures then show).
 */
import { readFile } from 'node:fs/promises';
import { CLOCK_TICKS_PER_SECOND, cpuSeconds } from '../lib/proc-cpu.js';

/** The name under which a reading holds the CPU of the whole machine, every process's. */
export const MACHINE = 'machine';

/**
 * Busy CPU seconds of the whole machine from the text of /proc/stat: its first line's user, nice,
 * system, irq, softirq and steal ticks (idle and iowait are not busy).
 * @throws Error when the text has no `cpu` line.
 */
export function parseMachineSeconds(stat: string): number {
  const line = /^cpu\s+(.*)$/m.exec(stat);
  if (!line) throw new Error(`not /proc/stat: ${stat.slice(0, 80)}`);
  const [user, nice, system, , , irq, softirq, steal] = line[1]!.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce<number>((sum, ticks) => sum + (ticks ?? 0), 0) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds used so far by each named set of processes, and when they were read. */
export interface CpuReading {
  atMs: number;
  seconds: Record<string, number>;
}

/**
 * Reads the CPU seconds each named set of processes has used so far (a process that is gone counts
 * nothing), and under {@link MACHINE} those of the whole machine, whatever else runs on it.
 */
export async function readCpu(processes: Readonly<Record<string, readonly number[]>>, atMs = performance.now()): Promise<CpuReading> {
  const seconds: Record<string, number> = {};
  for (const [name, pids] of Object.entries(processes)) {
    let total = 0;
    for (const pid of pids) total += await cpuSeconds(pid).catch(() => 0);
    seconds[name] = total;
  }
  seconds[MACHINE] = parseMachineSeconds(await readFile('/proc/stat', 'utf8'));
  return { atMs, seconds };
}

/** The cores each set used between two readings (1: one core all the time). */
export function coresBetween(from: CpuReading, to: CpuReading): Record<string, number> {
  const wallSeconds = (to.atMs - from.atMs) / 1_000;
  if (!(wallSeconds > 0)) throw new RangeError(`the second reading must come after the first (${from.atMs} → ${to.atMs} ms)`);
  return Object.fromEntries(Object.keys(to.seconds).map((name) => [name, ((to.seconds[name] ?? 0) - (from.seconds[name] ?? 0)) / wallSeconds]));
}
