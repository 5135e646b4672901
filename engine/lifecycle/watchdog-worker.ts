/**
 * The watchdog's worker thread (started by watchdog.ts): reads the main thread's heartbeat
 * counter every `checkMs` and, once the main event loop has stood still for `stallMs`, writes one
 * JSON report line synchronously to stderr (and to the report file), then ends the whole process
 * with SIGKILL. Nothing here may wait on the main thread: it is the one that is stuck.
 */
import { appendFileSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { StallDetector } from './stall-detector.js';
import { heartbeatViews, type WatchdogServerIdMessage, type WatchdogWorkerData } from './watchdog-shared.js';

const data = workerData as WatchdogWorkerData;
const { beats, state } = heartbeatViews(data.memory);
let serverId = data.serverId;
const detector = new StallDetector(data.stallMs, performance.now());

function report(stalledMs: number): string {
  const [beatAt = 0, heapUsed = 0, heapTotal = 0] = state;
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level: 'error',
    serverId,
    component: 'watchdog',
    message: 'event loop stalled; ending the process with SIGKILL',
    role: data.role,
    pid: process.pid,
    stalledMs: Math.round(stalledMs),
    stallMs: data.stallMs,
    lastBeat: beatAt > 0 ? new Date(beatAt).toISOString() : null,
    // rss is the whole process's; the heap figures are the main thread's at its last beat.
    memory: { rss: process.memoryUsage.rss(), mainHeapUsed: heapUsed, mainHeapTotal: heapTotal },
  });
}

function endProcess(stalledMs: number): void {
  const line = `${report(stalledMs)}\n`;
  // process.stderr would hand the write to the main thread; fd 2 is written from here.
  try {
    writeSync(2, line);
  } catch {
    // Nowhere to say it; the exit status still tells.
  }
  if (data.reportFile) {
    try {
      appendFileSync(data.reportFile, line);
    } catch {
      // A full or missing disk must not keep a stuck process alive.
    }
  }
  // process.exit here would end this thread only, and the main thread cannot run a handler.
  process.kill(process.pid, 'SIGKILL');
}

setInterval(() => {
  const stalledMs = detector.check(Atomics.load(beats, 0), performance.now());
  if (stalledMs !== undefined) endProcess(stalledMs);
}, data.checkMs);

parentPort!.on('message', (message: WatchdogServerIdMessage) => {
  serverId = message.serverId;
});
parentPort!.postMessage('ready');
