/**
 * {@link Discovery} in one process, for standalone mode and tests: members of one
 * {@link MemoryCluster} see each other, with leases renewed on the injected clock just as
 * {@link EtcdDiscovery} renews its etcd lease.
 *
 * Standalone mode runs one `MemoryCluster` with one `MemoryDiscovery`; tests put several members
 * on one cluster, drive time with a ManualClock, crash a member with `simulateCrash()` and take a
 * live member's lease away with `MemoryCluster.expireServer()`.
 *
 * Reads (`servers`, `server`, `resolveName`) see the shared state at once. Events are delivered
 * asynchronously but deterministically: each is queued as a microtask when the change happens, in
 * the order of the changes, so a listener never runs inside the call that caused it.
 */
import type { Logger } from '../log/types.js';
import type { Clock, ClockTimer } from '../timer/clock.js';
import type { Discovery, DiscoveryEvent, DiscoveryStats, LoadReport, Mailbox, Registration, ServerInfo } from './discovery.js';
import { DiscoveryError } from './errors.js';
import { DiscoveryListeners } from './listeners.js';
import type { MemoryCluster } from './memory-cluster.js';
import {
  asDraining,
  checkLoad,
  checkMailbox,
  checkName,
  checkRegistration,
  lowestFree,
  readableIdPrefix,
  readableIndex,
  toServerInfo,
  withLoad,
} from './registration.js';

export { MemoryCluster, type MemoryClusterOptions } from './memory-cluster.js';

/** Options for {@link MemoryDiscovery}. */
export interface MemoryDiscoveryOptions {
  /** The cluster this member joins. */
  cluster: MemoryCluster;
  /** Drives lease renewal; normally the same clock as the cluster's. */
  clock: Clock;
  logger: Logger;
  /** Lease time-to-live; the lease is renewed every third of it (default 10,000 ms). */
  leaseTtlMs?: number;
}

const DEFAULT_LEASE_TTL_MS = 10_000;

type State = 'idle' | 'started' | 'crashed' | 'stopped';

/** One member of a {@link MemoryCluster}. */
export class MemoryDiscovery implements Discovery {
  readonly name = 'discovery';
  private readonly cluster: MemoryCluster;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly leaseTtlMs: number;
  private readonly listeners: DiscoveryListeners;
  private state: State = 'idle';
  private me: ServerInfo | undefined;
  private registering = false;
  /** The lease holding this server's entries; 0 before registration. */
  private lease = 0;
  /** True from a lost lease until this server is registered again. */
  private lost = false;
  private readonly counters = { leaseRenewals: 0, leaseLosses: 0 };
  private renewTimer: ClockTimer | undefined;
  private unwatch: (() => void) | undefined;
  private readonly held = new Map<string, Mailbox>();

  /**
   * @param options the cluster, clock and logger.
   * @throws RangeError when `leaseTtlMs` is not a finite number >= 3.
   */
  constructor(options: MemoryDiscoveryOptions) {
    this.cluster = options.cluster;
    this.clock = options.clock;
    this.logger = options.logger;
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    if (!Number.isFinite(this.leaseTtlMs) || this.leaseTtlMs < 3) throw new RangeError(`leaseTtlMs must be a finite number >= 3, got ${this.leaseTtlMs}`);
    this.listeners = new DiscoveryListeners(this.logger);
  }

  get self(): ServerInfo | undefined {
    return this.me;
  }

  stats(): DiscoveryStats {
    return { registered: this.state === 'started' && this.me !== undefined && !this.lost, ...this.counters };
  }

  /** Starts following the cluster's changes; the servers already there come as `added` events. */
  async start(): Promise<void> {
    if (this.state === 'started') return;
    if (this.state !== 'idle') throw new Error(`MemoryDiscovery.start(): already ${this.state}`);
    this.state = 'started';
    for (const server of this.cluster.servers()) this.queue({ type: 'added', server });
    this.unwatch = this.cluster.watch((change) => this.queue(change));
  }

  async register(registration: Registration): Promise<ServerInfo> {
    this.checkStarted();
    if (this.me || this.registering) throw new DiscoveryError('DISCOVERY_ERR_ALREADY_REGISTERED', this.me?.id ?? 'registration in progress');
    checkRegistration(registration);
    const lease = this.cluster.grantLease(this.leaseTtlMs);
    let server: ServerInfo;
    if (registration.id !== undefined) {
      server = toServerInfo(registration, registration.id);
      if (!this.cluster.putServer(server, lease)) {
        this.cluster.revokeLease(lease);
        throw new DiscoveryError('DISCOVERY_ERR_ID_TAKEN', server.id);
      }
    } else {
      // Synchronous from reading the ids to writing ours, so no other member can take the same index.
      const prefix = readableIdPrefix(registration);
      const used = new Set<number>();
      for (const s of this.cluster.servers()) {
        const index = readableIndex(s.id, prefix);
        if (index !== undefined) used.add(index);
      }
      server = toServerInfo(registration, `${prefix}${lowestFree(used)}`);
      this.cluster.putServer(server, lease);
    }
    this.me = server;
    this.lease = lease;
    this.scheduleRenewal();
    this.logger.info('server registered', { serverId: server.id, type: server.type });
    return server;
  }

  /**
   * Publishes a new load report at once. While the lease is lost the report is kept and published
   * with the next registration.
   */
  async reportLoad(load: LoadReport): Promise<void> {
    this.checkStarted();
    const me = this.requireRegistered();
    checkLoad(load);
    this.me = withLoad(me, load);
    if (this.lost) return;
    if (!this.cluster.putServer(this.me, this.lease)) this.onLeaseLost();
  }

  /** Rewrites this server marked draining, at once; the mark survives a lost lease. */
  async markDraining(): Promise<void> {
    this.checkStarted();
    const me = this.requireRegistered();
    if (me.draining) return;
    this.me = asDraining(me);
    if (this.lost) return;
    if (!this.cluster.putServer(this.me, this.lease)) this.onLeaseLost();
  }

  servers(type?: string): readonly ServerInfo[] {
    const all = this.cluster.servers();
    return type === undefined ? all : all.filter((s) => s.type === type);
  }

  server(id: string): ServerInfo | undefined {
    return this.cluster.server(id);
  }

  subscribe(listener: (event: DiscoveryEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async claimName(name: string, mailbox: Mailbox): Promise<boolean> {
    this.checkStarted();
    const me = this.requireRegistered();
    checkName(name);
    checkMailbox(mailbox, me.id);
    if (this.lost) throw new DiscoveryError('DISCOVERY_ERR_UNAVAILABLE', `claim ${name}: lease lost, registering again`);
    const copy = Object.freeze({ serverId: mailbox.serverId, entityId: mailbox.entityId });
    if (!this.cluster.putName(name, copy, this.lease)) return false;
    this.held.set(name, copy);
    return true;
  }

  async releaseName(name: string): Promise<void> {
    checkName(name);
    if (!this.held.delete(name)) return;
    this.cluster.deleteName(name, this.lease);
  }

  resolveName(name: string): Mailbox | undefined {
    return this.cluster.name(name);
  }

  /** Stops renewing and revokes the lease: this server and its names disappear at once. */
  async stop(): Promise<void> {
    const crashed = this.state === 'crashed';
    this.halt('stopped');
    // A crashed member leaves its lease to expire, as a dead process would.
    if (!crashed && this.lease !== 0) this.cluster.revokeLease(this.lease);
    if (!crashed) this.held.clear();
  }

  /**
   * For tests: simulates a crash. Renewal stops and no more events are delivered, but nothing is
   * revoked, so the other members see this server and its names until the lease expires.
   * Every later call except `stop()` fails with `DISCOVERY_ERR_NOT_STARTED`.
   */
  async simulateCrash(): Promise<void> {
    if (this.state === 'started') this.halt('crashed');
  }

  private halt(state: 'crashed' | 'stopped'): void {
    this.state = state;
    if (this.renewTimer) this.clock.clearTimer(this.renewTimer);
    this.renewTimer = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private checkStarted(): void {
    if (this.state !== 'started') throw new DiscoveryError('DISCOVERY_ERR_NOT_STARTED', `state is ${this.state}`);
  }

  private requireRegistered(): ServerInfo {
    if (!this.me) throw new DiscoveryError('DISCOVERY_ERR_NOT_REGISTERED', 'call register() first');
    return this.me;
  }

  private queue(event: DiscoveryEvent): void {
    queueMicrotask(() => {
      if (this.state === 'started') this.listeners.emit(event);
    });
  }

  private scheduleRenewal(): void {
    this.renewTimer = this.clock.setTimer(() => this.renew(), this.leaseTtlMs / 3);
  }

  private renew(): void {
    this.renewTimer = undefined;
    if (this.state !== 'started') return;
    if (this.lost) this.registerAgain();
    else if (this.cluster.keepAlive(this.lease)) this.counters.leaseRenewals++;
    else this.onLeaseLost();
    this.scheduleRenewal();
  }

  private onLeaseLost(): void {
    this.lost = true;
    this.counters.leaseLosses++;
    this.logger.warn('discovery lease lost; registering again', { serverId: this.me!.id });
    this.queue({ type: 'self-lost' });
    this.registerAgain();
  }

  // Same id, new lease; names that another server took meanwhile are given up.
  private registerAgain(): void {
    const me = this.me!;
    const lease = this.cluster.grantLease(this.leaseTtlMs);
    if (!this.cluster.putServer(me, lease)) {
      this.cluster.revokeLease(lease);
      this.logger.error('cannot register again: another server holds this id; retrying', { serverId: me.id });
      return;
    }
    this.lease = lease;
    this.lost = false;
    for (const [name, mailbox] of this.held) {
      if (this.cluster.putName(name, mailbox, lease)) continue;
      this.held.delete(name);
      this.logger.warn('name taken by another server while the lease was lost', { serverId: me.id, name });
    }
    this.logger.info('server registered again', { serverId: me.id });
    this.queue({ type: 'self-registered', server: me });
  }
}
