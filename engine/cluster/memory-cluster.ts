/**
 * The shared state of an in-process cluster: servers and names, each held by a lease that expires
 * on the injected clock unless renewed. It plays the part etcd plays for {@link EtcdDiscovery}:
 * {@link MemoryDiscovery} members talk to it, and it tells them about every change. Standalone mode
 * has one cluster and one member; tests put several members on one cluster.
 */
import type { Clock, ClockTimer } from '../timer/clock.js';
import type { Mailbox, ServerInfo } from './discovery.js';
import type { ServerChange } from './listeners.js';
import { sameServer } from './registration.js';

/** Options for {@link MemoryCluster}. */
export interface MemoryClusterOptions {
  /** Drives lease expiry: a lease ends `ttlMs` after its last renewal on this clock. */
  clock: Clock;
}

interface Lease {
  ttlMs: number;
  timer: ClockTimer;
  servers: Set<string>;
  names: Set<string>;
}

interface Held<T> {
  value: T;
  lease: number;
}

/**
 * Servers and names under leases, shared by the {@link MemoryDiscovery} members of one process.
 * Every method is synchronous; members deliver the resulting events to their listeners later.
 */
export class MemoryCluster {
  private readonly clock: Clock;
  private nextLease = 1;
  private readonly leases = new Map<number, Lease>();
  private readonly serverMap = new Map<string, Held<ServerInfo>>();
  private readonly nameMap = new Map<string, Held<Mailbox>>();
  private readonly watchers = new Set<(change: ServerChange) => void>();

  /** @param options the clock that drives lease expiry. */
  constructor(options: MemoryClusterOptions) {
    this.clock = options.clock;
  }

  /** Every live server, in registration order. */
  servers(): ServerInfo[] {
    return [...this.serverMap.values()].map((h) => h.value);
  }

  /** One live server. */
  server(id: string): ServerInfo | undefined {
    return this.serverMap.get(id)?.value;
  }

  /** The mailbox a live name points at. */
  name(name: string): Mailbox | undefined {
    return this.nameMap.get(name)?.value;
  }

  /** Calls `watcher` synchronously after every server change; returns a function that stops it. */
  watch(watcher: (change: ServerChange) => void): () => void {
    this.watchers.add(watcher);
    return () => void this.watchers.delete(watcher);
  }

  /**
   * Grants a lease that ends `ttlMs` from now unless renewed.
   * @returns the lease id, never 0 and never reused.
   */
  grantLease(ttlMs: number): number {
    const id = this.nextLease++;
    const lease: Lease = { ttlMs, timer: this.clock.setTimer(() => this.revokeLease(id), ttlMs), servers: new Set(), names: new Set() };
    this.leases.set(id, lease);
    return id;
  }

  /** Renews a lease for its full TTL; returns false when it has already ended. */
  keepAlive(leaseId: number): boolean {
    const lease = this.leases.get(leaseId);
    if (!lease) return false;
    this.clock.clearTimer(lease.timer);
    lease.timer = this.clock.setTimer(() => this.revokeLease(leaseId), lease.ttlMs);
    return true;
  }

  /** Ends a lease now, removing every server and name it holds; a no-op for an ended lease. */
  revokeLease(leaseId: number): void {
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    this.leases.delete(leaseId);
    this.clock.clearTimer(lease.timer);
    for (const name of lease.names) this.nameMap.delete(name);
    for (const id of lease.servers) {
      const held = this.serverMap.get(id)!;
      this.serverMap.delete(id);
      this.notify({ type: 'removed', server: held.value });
    }
  }

  /**
   * Ends the lease that holds server `id`, as if it had expired: a fault for tests (the member is
   * alive but its lease is gone, as after a long pause). Its member notices at its next renewal,
   * reports `self-lost` and registers again.
   * @returns whether such a server existed.
   */
  expireServer(id: string): boolean {
    const held = this.serverMap.get(id);
    if (held) this.revokeLease(held.lease);
    return held !== undefined;
  }

  /**
   * Writes a server under a lease when the id is free or already held by that lease.
   * @returns false when another lease holds the id or `leaseId` has ended.
   */
  putServer(server: ServerInfo, leaseId: number): boolean {
    const held = this.serverMap.get(server.id);
    if (!this.leases.has(leaseId) || (held && held.lease !== leaseId)) return false;
    this.leases.get(leaseId)!.servers.add(server.id);
    this.serverMap.set(server.id, { value: server, lease: leaseId });
    // Like a member's etcd cache, a rewrite with the same data is not news.
    if (!held) this.notify({ type: 'added', server });
    else if (!sameServer(held.value, server)) this.notify({ type: 'updated', server, previous: held.value });
    return true;
  }

  /**
   * Points a name at a mailbox under a lease when the name is free or already held by that lease.
   * @returns false when another lease holds the name or `leaseId` has ended.
   */
  putName(name: string, mailbox: Mailbox, leaseId: number): boolean {
    const held = this.nameMap.get(name);
    if (!this.leases.has(leaseId) || (held && held.lease !== leaseId)) return false;
    this.leases.get(leaseId)!.names.add(name);
    this.nameMap.set(name, { value: mailbox, lease: leaseId });
    return true;
  }

  /** Removes a name if `leaseId` holds it. */
  deleteName(name: string, leaseId: number): void {
    if (this.nameMap.get(name)?.lease !== leaseId) return;
    this.nameMap.delete(name);
    this.leases.get(leaseId)?.names.delete(name);
  }

  private notify(change: ServerChange): void {
    for (const watcher of [...this.watchers]) watcher(change);
  }
}
