/**
 * Warnings that a flood must not turn into a flood of log lines (refused connections, a store
 * that cannot be reached while every request fails): at most one line per reason every
 * `intervalMs`, which counts the occurrences left unlogged since the last one. The first of each
 * reason is always logged.
 */
import type { Clock } from '../timer/clock.js';
import type { Logger } from './types.js';

/**
 * One rate-limited warning line per reason and interval. `R` is a fixed set of reasons, so that
 * the state kept per reason stays small.
 */
export class ThrottledLog<R extends string> {
  private readonly last = new Map<R, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Logs `message` with `meta` at warn unless `reason` was logged within the interval. */
  warn(reason: R, message: string, meta: Record<string, unknown>): void {
    const now = this.clock.now();
    const seen = this.last.get(reason);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.logger.warn(message, { reason, ...meta, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) });
    this.last.set(reason, { at: now, suppressed: 0 });
  }
}
