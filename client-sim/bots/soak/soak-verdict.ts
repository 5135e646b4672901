/**
 * The soak's verdict on the server, from its samples and what it held at the end: the memory
 * section of the run's summary, and the failures it adds. It fails when
 *
 * - the JS heap (after a full collection) or the resident memory does not level off over the
 *   steady load (growth-verdict.ts; the heap is held to 2 MiB or 2%, the resident memory, which
 *   the allocator keeps and returns in larger steps, to 8 MiB or 5%, or either to twice its noise). The steady load starts
 *   after the warm-up, and not before the server's sessions reached 95% of their peak: bots that
 *   are still logging in add memory that is the load's, not a leak's;
 * - sessions are still live on the server once every bot has logged out and the sessions'
 *   resume grace has passed;
 * - the server exited during the soak, or could not be read at the end.
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
  /** Its resources after the bots left, or why they could not be read (the server is gone). */
  after: ServerResources | { error: string };
  /** The server's exit code when it exited before the soak stopped it. */
  exitedWith?: number | null;
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

/** Share of their peak the sessions must reach before memory is judged. */
export const LOAD_PLATEAU_SHARE = 0.95;

/** Judges the samples (see the module comment). */
export function soakVerdict(samples: readonly ServerSample[], window: SoakWindow, end: SoakEnd): SoakVerdict {
  const t = samples.map((s) => round(s.t));
  const rssMiB = samples.map((s) => round(s.rssMiB));
  const heapUsedMiB = samples.map((s) => round(s.heapUsedMiB));
  const steady = samples.filter((s) => s.t <= window.steadyEndS);
  const sessions = (s: ServerSample) => s.gateSessions ?? s.lobbySessions;
  const peak = Math.max(0, ...steady.map((s) => sessions(s) ?? 0));
  const plateauS = peak > 0 ? steady.find((s) => (sessions(s) ?? 0) >= LOAD_PLATEAU_SHARE * peak)!.t : undefined;
  const fromS = Math.max(window.warmupEndS, plateauS ?? -Infinity);
  const heap = judgeGrowth(steady.map((s) => s.t), steady.map((s) => s.heapUsedMiB), fromS, HEAP_TOLERANCE);
  const rss = judgeGrowth(steady.map((s) => s.t), steady.map((s) => s.rssMiB), fromS, RSS_TOLERANCE);
  const failures: string[] = [];
  if (heap.levelsOff === false) failures.push(`server heap ${heap.text}`);
  if (rss.levelsOff === false) failures.push(`server resident memory ${rss.text}`);
  if (end.sessions !== undefined && end.sessions > 0) failures.push(`server: ${end.sessions} sessions still live after every bot left`);
  if (end.exitedWith !== undefined) failures.push(`server: exited with code ${end.exitedWith} during the soak`);
  if ('error' in end.after) failures.push(`server: could not be read at the end: ${end.after.error}`);
  const load = plateauS === undefined ? 'no sessions seen' : `sessions reached ${Math.round(LOAD_PLATEAU_SHARE * 100)}% of their peak of ${peak} at ${Math.round(plateauS)} s`;
  const lines = [
    `judged from ${Math.round(fromS)} s to ${Math.round(window.steadyEndS)} s since the run's start (${load}; warm-up to ${Math.round(window.warmupEndS)} s)`,
    `heap: ${heap.text}`,
    `resident memory: ${rss.text}`,
    atTheEnd(end),
  ];
  return { memory: { t, rssMiB, heapUsedMiB, verdict: lines.join('\n') }, failures };
}

function atTheEnd(end: SoakEnd): string {
  const { before, after } = end;
  if ('error' in after) return `at the end: the server could not be read (${after.error})`;
  const timers = `engine timers ${after.timers ?? 'unknown'} (${before.timers ?? 'unknown'} before the bots), Node timers ${after.nodeTimers}${delays(after.nodeTimerDelays)} (${before.nodeTimers})`;
  return `at the end: ${end.sessions ?? 'unknown'} sessions live; ${timers}; handles ${formatHandles(after.handles)} (before: ${formatHandles(before.handles)})`;
}

// ` by delay: 30000 ms ×460, 5000 ms ×3`
function delays(byDelay: ReadonlyArray<[number, number]>): string {
  return byDelay.length ? ` by delay: ${byDelay.map(([delay, n]) => `${delay} ms ×${n}`).join(', ')}` : '';
}

function formatHandles(handles: Record<string, number>): string {
  const entries = Object.entries(handles).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([type, n]) => `${type} ${n}`).join(', ') : 'none';
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
