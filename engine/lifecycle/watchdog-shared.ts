/**
 * What a process's main thread and its watchdog worker share: the layout of the heartbeat memory
 * and the data the worker starts with. Imported by both sides.
 */

/** Bytes of the shared heartbeat memory. */
export const HEARTBEAT_BYTES = 32;

/** Views of the heartbeat memory: the counter, then the main thread's state at its last beat. */
export interface HeartbeatViews {
  /** `[0]`: beats so far, advanced with `Atomics.add`. */
  readonly beats: Int32Array;
  /** `[0]`: epoch ms of the last beat; `[1]`: main heap used; `[2]`: main heap size (bytes). */
  readonly state: Float64Array;
}

/** Views of `memory` (of {@link HEARTBEAT_BYTES} bytes). */
export function heartbeatViews(memory: SharedArrayBuffer): HeartbeatViews {
  return { beats: new Int32Array(memory, 0, 1), state: new Float64Array(memory, 8, 3) };
}

/** What the worker is started with. */
export interface WatchdogWorkerData {
  memory: SharedArrayBuffer;
  stallMs: number;
  /** How often the worker reads the counter. */
  checkMs: number;
  role: string;
  serverId: string;
  /** A file the stall report is appended to, besides stderr. */
  reportFile?: string;
}

/** A message from the main thread: the server id changed (discovery assigned one). */
export interface WatchdogServerIdMessage {
  serverId: string;
}
