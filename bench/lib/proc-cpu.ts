/**
 * CPU time of other processes, read from Linux's /proc: what a benchmark charges a server for the
 * messages it handled.
 */
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User plus system clock ticks from the text of `/proc/<pid>/stat`. The command name (field 2) may
 * hold spaces and parentheses, so fields are counted from the last `)`.
 * @throws Error when the text is not a stat line.
 */
export function parseCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // After the name: state(3) ... utime(14) stime(15), i.e. indexes 11 and 12 from field 3.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (close < 0 || !Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`not a /proc stat line: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** CPU seconds (user + system) the processes `pids` have used so far, together. */
export async function cpuSeconds(...pids: number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) ticks += parseCpuTicks(await readFile(`/proc/${pid}/stat`, 'utf8'));
  return ticks / CLOCK_TICKS_PER_SECOND;
}
