/**
 * Logs refused connections, and links closed because their peer broke the protocol, without
 * letting a flood of them flood the log: at most one line per reason every `intervalMs`, which
 * counts the refusals left unlogged since the last one. The first of each reason is always logged.
 */
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';

/**
 * Why a connection was refused or closed (`protocol`: its peer sent bytes that break the protocol);
 * a fixed set, so that the state kept per reason stays small.
 */
export type RefusalReason = 'address-cap' | 'evicted' | 'no-hello' | 'wrong-proof' | 'wrong-server' | 'own-id' | 'wrong-address' | 'wrong-welcome' | 'protocol';

/** One rate-limited warning line per reason and interval. */
export class RefusalLog {
  private readonly last = new Map<RefusalReason, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Logs `message` with `meta` (the remote address, the claimed id) unless `reason` was logged within the interval. */
  refused(reason: RefusalReason, message: string, meta: Record<string, unknown>): void {
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
