/**
 * The soak's verdict on the server, from its samples and what it held at the end: the memory
 * section of the run's summary, and the failures it adds. It fails when
 *
 * - the JS heap (after a full collection) or the resident memory does not level off over the
 *   steady load after its warm-up (growth-verdict.ts; the heap is held to 2 MiB or 2%, the
 *   resident memory, which the allocator keeps and returns in larger steps, to 8 MiB or 5%);
 * - sessions are still live on the server once every bot has logged out and the sessions'
 *   resume grace has passed.
 *
 * Timers and handles at the end are reported beside the figures at the start, not judged: the
 * server keeps some of each for itself (listeners, flush and report intervals).
 */
import type { RunSummary } from '../run-summary.js';
import { judgeGrowth, type GrowthTolerance } from './growth-verdict.js';
import type { ServerResources, ServerSample } from './server-sampler.js';

/** Tolerance of the heap series. */
export const HEAP_TOLERANCE: GrowthTolerance = { floorMiB: 2, share: 0.02 };
/** Tolerance of the resident-memory series. */
export const RSS_TOLERANCE: GrowthTolerance = { floorMiB: 8, share: 0.05 };

/** What the server held before the bots came and after they left. */
export interface SoakEnd {
  /** Sessions on the gate (or, without one, the lobby) after the bots left; undefined when unknown. */
  sessions: number | undefined;
  before: ServerResources;
  after: ServerResources;
}

/** The steady part of the run, where growth is judged: seconds since the soak's start. */
export interface SoakWindow {
  /** Samples before this (the ramp and the warm-up) are not judged. */
  warmupEndS: number;
  /** Samples after this (bots stopping, the server settling) are not judged. */
  steadyEndS: number;
}

/** The memory section of the summary, and the failures to add to it. */
export interface SoakVerdict {
  memory: NonNullable<RunSummary['memory']>;
  failures: string[];
}

/** Judges the samples (see the module comment). */
export function soakVerdict(samples: readonly ServerSample[], window: SoakWindow, end: SoakEnd): SoakVerdict {
  const t = samples.map((s) => round(s.t));
  const rssMiB = samples.map((s) => round(s.rssMiB));
  const heapUsedMiB = samples.map((s) => round(s.heapUsedMiB));
  const steady = samples.filter((s) => s.t <= window.steadyEndS);
  const heap = judgeGrowth(steady.map((s) => s.t), steady.map((s) => s.heapUsedMiB), window.warmupEndS, HEAP_TOLERANCE);
  const rss = judgeGrowth(steady.map((s) => s.t), steady.map((s) => s.rssMiB), window.warmupEndS, RSS_TOLERANCE);
  const failures: string[] = [];
  if (heap.levelsOff === false) failures.push(`server heap ${heap.text}`);
  if (rss.levelsOff === false) failures.push(`server resident memory ${rss.text}`);
  if (end.sessions !== undefined && end.sessions > 0) failures.push(`server: ${end.sessions} sessions still live after every bot left`);
  const lines = [
    `heap: ${heap.text}`,
    `resident memory: ${rss.text}`,
    `at the end: ${end.sessions ?? 'unknown'} sessions live; engine timers ${end.after.timers ?? 'unknown'} (${end.before.timers ?? 'unknown'} before the bots), Node timers ${end.after.nodeTimers} (${end.before.nodeTimers}); handles ${formatHandles(end.after.handles)} (before: ${formatHandles(end.before.handles)})`,
  ];
  return { memory: { t, rssMiB, heapUsedMiB, verdict: lines.join('\n') }, failures };
}

function formatHandles(handles: Record<string, number>): string {
  const entries = Object.entries(handles).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([type, n]) => `${type} ${n}`).join(', ') : 'none';
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
