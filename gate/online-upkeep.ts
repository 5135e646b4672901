/**
 * Keeps a gate's online-index entries true: every third of the entries' time to live it renews
 * all of them in one call (the index batches them), ends the sessions whose account another login
 * took while this gate was not looking, and, when another gate leaves the cluster, removes that
 * gate's entries so that its players count as logged out at once rather than when their entries
 * expire.
 *
 * Only one gate removes a departed gate's entries: the surviving gate with the lowest id. Removal
 * deletes only entries still naming the departed gate and is idempotent, so two gates that both
 * think themselves lowest during a membership change do no harm; a gate wrongly taken for gone
 * (a lapsed lease, then re-registered with the same id) writes its entries again at its next
 * refresh.
 */
import type { Discovery, ServerInfo } from '../engine/cluster/discovery.js';
import type { Logger } from '../engine/log/types.js';
import type { TimerId, TimerService } from '../engine/timer/timer-service.js';
import type { OnlineIndex, OnlineRecord } from '../engine/hub/online-index.js';

/** What an {@link OnlineUpkeep} needs. */
export interface OnlineUpkeepOptions {
  index: OnlineIndex;
  discovery: Discovery;
  timers: TimerService;
  logger: Logger;
  /** How long an entry lives without a refresh, in ms; refreshed every third of it. */
  ttlMs: number;
  /** The entries this gate holds now (sessions whose claim is done). */
  records(): OnlineRecord[];
  /** Records whose account another session holds now: their sessions end. */
  takenOver(records: OnlineRecord[]): void;
}

/** The online-index upkeep of one gate. */
export class OnlineUpkeep {
  private timer: TimerId | undefined;
  private unsubscribe: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: OnlineUpkeepOptions) {}

  /** Starts the refresh timer and listens for gates leaving. */
  start(): void {
    const { timers, discovery, ttlMs } = this.options;
    this.timer = timers.repeat(Math.max(1, Math.floor(ttlMs / 3)), () => void this.refresh());
    this.unsubscribe = discovery.subscribe((event) => {
      if (event.type === 'removed') void this.gateLeft(event.server);
    });
  }

  /** Stops refreshing; the entries then expire unless released. */
  stop(): void {
    if (this.timer !== undefined) this.options.timers.cancel(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * Renews every entry of this gate now. One refresh at a time: a call while one runs gets that
   * one. A failure is logged; the next tick tries again.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * A server left the cluster: when it is another gate and this one is the lowest-id gate left,
   * removes its entries.
   * @returns how many entries were removed (0 when this gate is not the one to do it).
   */
  async gateLeft(server: ServerInfo): Promise<number> {
    const { discovery, index, logger } = this.options;
    const self = discovery.self;
    if (!self || server.type !== self.type || server.id === self.id) return 0;
    const lowest = discovery
      .servers(self.type)
      .filter((s) => s.id !== server.id)
      .reduce((min, s) => (s.id < min ? s.id : min), self.id);
    if (lowest !== self.id) return 0;
    try {
      const removed = await index.removeGate(server.id);
      logger.info('gate: online entries of a departed gate removed', { gate: server.id, removed });
      return removed;
    } catch (err) {
      logger.warn('gate: could not remove the online entries of a departed gate; they expire instead', { gate: server.id, err });
      return 0;
    }
  }

  private async refreshOnce(): Promise<void> {
    const { index, logger } = this.options;
    const records = this.options.records();
    try {
      const lost = await index.refresh(records);
      await this.releaseEnded(records);
      if (lost.length === 0) return;
      logger.warn('gate: accounts logged in elsewhere while this gate was not looking; ending their sessions here', { sessions: lost.length });
      this.options.takenOver(lost);
    } catch (err) {
      logger.warn('gate: online index refresh failed; the next one retries', { sessions: records.length, err });
    }
  }

  // A session that ended while the refresh ran had its entry released before the refresh could
  // write it again: release those once more (only while they still name the ended session).
  private async releaseEnded(refreshed: readonly OnlineRecord[]): Promise<void> {
    const live = new Set(this.options.records().map((r) => r.sessionId));
    const ended = refreshed.filter((r) => !live.has(r.sessionId));
    await Promise.all(ended.map((r) => this.options.index.release(r.uid, r.sessionId)));
  }
}
