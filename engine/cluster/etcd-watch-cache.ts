/**
 * A member's local view of the cluster: every server and name under the prefix, kept current by
 * one etcd watch.
 *
 * Sync cycle: list the whole prefix (in pages, all at one revision R), replace the cache with it
 * and emit the difference, then watch from R + 1. Any interruption of the watch (a stream error, a
 * disconnect, a cancellation by compaction) drops the watcher and runs the cycle again, retrying
 * the listing with backoff while etcd is unreachable. Until it succeeds the cache keeps the last
 * known view: a member that cannot reach etcd does not conclude that everybody else died.
 *
 * A listing at a lower revision than the cache has already seen means etcd lost its history
 * (restored or wiped); the listing is taken as it is, and so is every later event.
 */
import { Range, type Etcd3, type IKeyValue, type IWatchResponse, type Watcher } from 'etcd3';
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import { backoffDelay, type Backoff } from '../timer/backoff.js';
import type { Mailbox, ServerInfo } from './discovery.js';
import type { EtcdKeys } from './etcd-keys.js';
import { decodeMailbox, decodeServer } from './etcd-values.js';
import type { ServerChange } from './listeners.js';
import { sameServer } from './registration.js';

/** Options for {@link EtcdWatchCache}. */
export interface EtcdWatchCacheOptions {
  client: Etcd3;
  keys: EtcdKeys;
  clock: Clock;
  logger: Logger;
  /** Delays between listing attempts while etcd is unreachable. */
  retry: Backoff;
  /** Receives every change to the servers, in order. */
  onChange(change: ServerChange): void;
}

/** Keys per page when listing: bounded responses, whatever the size of the cluster. */
const PAGE_SIZE = 1_000;

interface Waiter {
  revision: number;
  resolve(reached: boolean): void;
  timer: ClockTimer;
}

/** Servers and names under one prefix, from a listing plus a watch. */
export class EtcdWatchCache {
  private readonly serverMap = new Map<string, ServerInfo>();
  private readonly nameMap = new Map<string, Mailbox>();
  /** The highest revision the cache reflects. */
  private revision = 0;
  private watcher: Watcher | undefined;
  /** Bumped at each cycle, so that events from a dropped watcher are ignored. */
  private generation = 0;
  private syncing = false;
  /** A cycle was requested and has not begun yet. */
  private again = false;
  private failures = 0;
  private retryTimer: ClockTimer | undefined;
  private wakeRetry: (() => void) | undefined;
  private stopped = false;
  private readonly waiters = new Set<Waiter>();
  private readonly unknownKeys = new Set<string>();

  constructor(private readonly options: EtcdWatchCacheOptions) {}

  /** Every server in the cache. */
  servers(): ServerInfo[] {
    return [...this.serverMap.values()];
  }

  /** One server from the cache. */
  server(id: string): ServerInfo | undefined {
    return this.serverMap.get(id);
  }

  /** A name's mailbox from the cache. */
  name(name: string): Mailbox | undefined {
    return this.nameMap.get(name);
  }

  /** Lists and starts watching; further cycles run by themselves. */
  start(): void {
    this.resync('start');
  }

  /** Lists everything again and restarts the watch; one cycle runs at a time, a request during one adds one more. */
  resync(reason: string): void {
    if (this.stopped) return;
    this.again = true;
    // A cycle sleeping between failed attempts tries again now.
    this.wakeRetry?.();
    if (this.syncing) return;
    this.syncing = true;
    this.options.logger.debug('discovery cache: listing', { reason });
    void this.cycle();
  }

  /**
   * Waits until the cache reflects etcd revision `revision` (the revision of a write this member
   * made), so that a member reads its own writes.
   * @returns false when `timeoutMs` passed first or the cache stopped.
   */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.revision >= revision) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        revision,
        resolve,
        timer: this.options.clock.setTimer(() => {
          this.waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Stops watching; the cache keeps its last view. The watch's cancellation is not awaited: it
   * needs an answer from etcd, and the owner closes the client next anyway.
   */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) this.options.clock.clearTimer(this.retryTimer);
    this.wakeRetry?.();
    for (const w of this.waiters) {
      this.options.clock.clearTimer(w.timer);
      w.resolve(false);
    }
    this.waiters.clear();
    void this.dropWatcher();
  }

  // Runs while cycles are requested. `syncing` is cleared in the same synchronous step that sees no
  // further request, so a request can never slip in between and be lost.
  private async cycle(): Promise<void> {
    let attempt = 0;
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        const generation = ++this.generation;
        void this.dropWatcher();
        try {
          const { revision, kvs } = await this.list();
          if (this.stopped) return;
          if (this.failures > 0) this.options.logger.info('etcd reachable again; cluster view refreshed', { failures: this.failures });
          this.failures = 0;
          attempt = 0;
          this.replace(revision, kvs);
          this.watchFrom(revision + 1, generation);
        } catch (err) {
          if (this.stopped) return;
          if (this.failures++ === 0) this.options.logger.warn('etcd unreachable; keeping the last known view of the cluster', { err });
          this.again = true;
          await this.sleep(backoffDelay(this.options.retry, ++attempt));
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  // All keys under the prefix at one revision, a page at a time.
  private async list(): Promise<{ revision: number; kvs: IKeyValue[] }> {
    const end = Range.prefix(this.options.keys.root).end;
    let start = Buffer.from(this.options.keys.root);
    let revision: string | undefined;
    const kvs: IKeyValue[] = [];
    for (;;) {
      const builder = this.options.client.getAll().inRange({ start, end }).limit(PAGE_SIZE);
      const res = await (revision === undefined ? builder : builder.revision(revision)).exec();
      revision ??= res.header.revision;
      kvs.push(...res.kvs);
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || !last) return { revision: Number(revision), kvs };
      start = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  private replace(revision: number, kvs: readonly IKeyValue[]): void {
    if (revision < this.revision) {
      this.options.logger.warn('etcd revision went backwards (its data was restored or wiped); taking its listing as it is', {
        was: this.revision,
        now: revision,
      });
    }
    const seen = new Set<string>();
    this.nameMap.clear();
    for (const kv of kvs) {
      const id = this.apply(kv, 'put');
      if (id !== undefined) seen.add(id);
    }
    for (const [id, server] of this.serverMap) {
      if (seen.has(id)) continue;
      this.serverMap.delete(id);
      this.options.onChange({ type: 'removed', server });
    }
    this.revision = revision;
    this.release();
  }

  private watchFrom(revision: number, generation: number): void {
    // watcher() attaches at once and, unlike create(), never leaves a promise pending forever when
    // the stream drops before etcd confirms the watch: the 'disconnected' handler covers that.
    const watcher = this.options.client.watch().prefix(this.options.keys.root).startRevision(String(revision)).watcher();
    this.watcher = watcher;
    const current = (): boolean => generation === this.generation && !this.stopped;
    watcher.on('data', (res: IWatchResponse) => {
      if (current()) this.onEvents(res);
    });
    watcher.on('disconnected', (err: Error) => {
      if (!current()) return;
      this.options.logger.warn('etcd watch disconnected; listing again', { err });
      this.resync('watch disconnected');
    });
    watcher.on('error', (err: Error) => {
      if (!current()) return;
      this.options.logger.warn('etcd watch cancelled; listing again', { err });
      this.resync('watch cancelled');
    });
  }

  private onEvents(res: IWatchResponse): void {
    let revision = this.revision;
    for (const event of res.events) {
      this.apply(event.kv, event.type === 'Delete' ? 'delete' : 'put');
      revision = Math.max(revision, Number(event.kv.mod_revision));
    }
    // A response without events is a progress report: everything up to its header revision was sent.
    if (res.events.length === 0) revision = Math.max(revision, Number(res.header.revision));
    this.revision = revision;
    this.release();
  }

  // Applies one key; returns the server id when the key is a server that is present afterwards.
  private apply(kv: IKeyValue, op: 'put' | 'delete'): string | undefined {
    const key = kv.key.toString('utf8');
    const parsed = this.options.keys.parse(key);
    if (parsed?.kind === 'name') {
      const mailbox = op === 'put' ? decodeMailbox(kv.value.toString('utf8')) : undefined;
      if (mailbox) this.nameMap.set(parsed.name, mailbox);
      else this.nameMap.delete(parsed.name);
      if (op === 'put' && !mailbox) this.unknown(key);
      return undefined;
    }
    if (parsed?.kind !== 'server') {
      if (op === 'put') this.unknown(key);
      return undefined;
    }
    const previous = this.serverMap.get(parsed.id);
    const server = op === 'put' ? decodeServer(parsed.id, kv.value.toString('utf8')) : undefined;
    if (op === 'put' && !server) this.unknown(key);
    if (!server) {
      if (previous) {
        this.serverMap.delete(parsed.id);
        this.options.onChange({ type: 'removed', server: previous });
      }
      return undefined;
    }
    this.serverMap.set(parsed.id, server);
    if (!previous) this.options.onChange({ type: 'added', server });
    else if (!sameServer(previous, server)) this.options.onChange({ type: 'updated', server, previous });
    return parsed.id;
  }

  // Logged once per key: something else writes under our prefix.
  private unknown(key: string): void {
    if (this.unknownKeys.has(key) || this.unknownKeys.size >= 100) return;
    this.unknownKeys.add(key);
    this.options.logger.warn('ignoring an unreadable key under the cluster prefix', { key });
  }

  private release(): void {
    for (const w of this.waiters) {
      if (w.revision > this.revision) continue;
      this.waiters.delete(w);
      this.options.clock.clearTimer(w.timer);
      w.resolve(true);
    }
  }

  private async dropWatcher(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    // Its handlers stay attached (an 'error' with no handler would throw) but ignore it now.
    await watcher?.cancel().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.retryTimer) this.options.clock.clearTimer(this.retryTimer);
        this.retryTimer = undefined;
        this.wakeRetry = undefined;
        resolve();
      };
      this.wakeRetry = done;
      this.retryTimer = this.options.clock.setTimer(done, ms);
    });
  }
}
