/**
 * The gate's connection cap fitted to the process's open-file limit, so that a full gate still has
 * descriptors for its own needs: health checks and login over HTTP, RPC links, log files, the
 * store. Every TCP and WebSocket connection holds one descriptor; the cap leaves `reserve` of the
 * soft `RLIMIT_NOFILE` free (Node raises the soft limit to the hard one at start).
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../engine/log/types.js';

/**
 * The soft open-file limit in the text of `/proc/<pid>/limits`.
 * @returns undefined when the text has no such line or the limit is `unlimited`.
 */
export function parseOpenFileLimit(text: string): number | undefined {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!line || line[1] === 'unlimited') return undefined;
  const soft = Number(line[1]);
  return Number.isSafeInteger(soft) && soft > 0 ? soft : undefined;
}

/**
 * This process's soft open-file limit, read from `/proc/self/limits` (Linux).
 * @returns undefined where that file does not exist (other systems) or names no limit.
 */
export function readOpenFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The largest connection cap, at most `maxConnections`, that leaves `reserve` of `openFiles`
 * descriptors free; when the reserve alone does not fit, half the descriptors (at least one
 * connection).
 * @param openFiles the soft open-file limit; undefined: no limit known, `maxConnections` stands.
 */
export function connectionCapWithin(maxConnections: number, reserve: number, openFiles: number | undefined): number {
  if (openFiles === undefined) return maxConnections;
  const room = openFiles - reserve;
  return Math.min(maxConnections, room >= 1 ? room : Math.max(1, Math.floor(openFiles / 2)));
}

/**
 * {@link connectionCapWithin} for this process, saying in the log what it found: a warning when the
 * cap had to come down, a note where the limit cannot be read.
 * @param readLimit where the limit comes from; default {@link readOpenFileLimit}.
 */
export function fitConnectionCap(maxConnections: number, reserve: number, logger: Logger, readLimit: () => number | undefined = readOpenFileLimit): number {
  const openFiles = readLimit();
  if (openFiles === undefined) {
    logger.info('gate: open-file limit unknown on this system; gate.maxConnections is not checked against it', { maxConnections, fdReserve: reserve });
    return maxConnections;
  }
  const cap = connectionCapWithin(maxConnections, reserve, openFiles);
  if (cap < maxConnections) {
    logger.warn('gate: gate.maxConnections plus gate.fdReserve exceed the open-file limit; connections capped lower (raise ulimit -n)', {
      maxConnections,
      fdReserve: reserve,
      openFileLimit: openFiles,
      cap,
    });
  }
  return cap;
}
