/**
 * The soak's progress: one plain line per sample, the same on a terminal and in CI logs, e.g.
 *
 * ```
 * soak 12:30/31:00 steady  bots 2000/2000  3950 req/s  0 err/s  server rss 412.3 MiB  heap 188.1 MiB  cpu 87%  sessions 2000
 * ```
 */
import type { ServerSample } from './server-sampler.js';

/** Where the soak is. */
export type SoakPhase = 'starting' | 'ramp' | 'steady' | 'stopping' | 'settling';

/** What the bots did lately, from the run's live figures. */
export interface BotFigures {
  connected: number;
  /** Requests per second over the last few seconds. */
  rps: number;
  /** Errors per second over the last few seconds. */
  errorsPerSecond: number;
}

/** The progress line for one sample. */
export function formatSoakLine(sample: ServerSample, progress: { phase: SoakPhase; totalS: number; bots: number }, figures: BotFigures | undefined): string {
  const parts = [
    `soak ${clock(sample.t)}/${clock(progress.totalS)} ${progress.phase.padEnd(8)}`,
    figures ? `bots ${figures.connected}/${progress.bots}  ${Math.round(figures.rps)} req/s  ${Math.round(figures.errorsPerSecond)} err/s` : `bots -/${progress.bots}`,
    `server rss ${sample.rssMiB.toFixed(1)} MiB  heap ${sample.heapUsedMiB.toFixed(1)} MiB  cpu ${Math.round(sample.cpuPercent)}%`,
    `sessions ${sample.gateSessions ?? '?'}`,
  ];
  return parts.join('  ');
}

// m:ss, or h:mm:ss from an hour.
function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}` : mmss;
}
