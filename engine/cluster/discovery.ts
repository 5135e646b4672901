/**
 * Cluster membership: which servers exist, where to reach them, how loaded they are, and which
 * cluster-wide names point at which entities. `EtcdDiscovery` is the production implementation
 * (leases in etcd); `MemoryDiscovery` serves standalone mode and tests in one process. Both pass
 * discovery.contract.ts.
 */
import type { Module } from '../lifecycle/lifecycle.js';

/** What a server reports about its load; refreshed every load-report interval. */
export interface LoadReport {
  /** Player sessions it holds (gates) or hosts (lobbies). */
  sessions: number;
  /** Live entities in its world. */
  entities: number;
  /** Event-loop delay over the last interval, p99, in milliseconds. */
  eventLoopLagMs: number;
  /** CPU used over the last interval, in cores (1 = one core fully busy). */
  cpu: number;
}

/** One registered server as every member sees it. */
export interface ServerInfo {
  /** Unique in the cluster: configured, or `<type>-<host>-<index>` claimed at registration. */
  id: string;
  /** Role: `gate`, `lobby`, `services`, … */
  type: string;
  /** `host:port` of its RPC listener. */
  address: string;
  /** The engine or game build it runs. */
  version: string;
  /** Milliseconds since the epoch when it started. */
  startedAt: number;
  load: LoadReport;
  /**
   * What else the server publishes, as short strings: a gate's client endpoints and identity key,
   * for example. Empty when it publishes nothing.
   */
  meta: Readonly<Record<string, string>>;
  /**
   * True once the server began draining: it takes no new sessions, binds, spaces or moves, and still
   * answers what it holds until it leaves. Absent (or false) while it serves normally.
   */
  draining?: boolean;
}

/** The address of one entity: the server that hosts it and its id. */
export interface Mailbox {
  serverId: string;
  entityId: string;
}

/** What a server says about itself when it registers. */
export interface Registration {
  /** A fixed id; when left out, the lowest free `<type>-<host>-<index>` (index from 0) is claimed. */
  id?: string;
  type: string;
  /** Host part of the readable id; defaults to the machine's hostname. */
  host?: string;
  address: string;
  version: string;
  startedAt: number;
  load: LoadReport;
  /** See {@link ServerInfo.meta}; at most 16 entries of at most 256 characters each. */
  meta?: Record<string, string>;
}

/** What a member did with its lease, for metrics. */
export interface DiscoveryStats {
  /** Whether this server holds its lease now: registered, not lost, not stopped. */
  registered: boolean;
  /** Lease renewals that succeeded since start. */
  leaseRenewals: number;
  /** Times the lease was lost (the server registered again after each) since start. */
  leaseLosses: number;
}

/** A change seen by a member. */
export type DiscoveryEvent =
  | { type: 'added'; server: ServerInfo }
  | { type: 'updated'; server: ServerInfo; previous: ServerInfo }
  | { type: 'removed'; server: ServerInfo }
  /** This server's own lease was (or is taken to be) lost; it is re-registering. */
  | { type: 'self-lost' }
  /** This server is registered again after a loss, with the same id. */
  | { type: 'self-registered'; server: ServerInfo };

/**
 * Membership, load reports and named mailboxes of one cluster.
 *
 * Reads come from the member's local view and never wait. Events are delivered asynchronously
 * (never inside the call that caused them), in the order the member saw the changes; servers
 * already there when the member starts come as `added`. To build a view of your own, subscribe and
 * then read {@link Discovery.servers}, treating an `added` for a known id as an update. Server
 * infos and mailboxes handed out are frozen. Errors are {@link DiscoveryError}s (errors.ts).
 */
export interface Discovery extends Module {
  /**
   * Registers this server under a lease and keeps it alive until {@link Module.stop}. Must be
   * called after `start()`, once. When the lease is lost (etcd unreachable for longer than the
   * TTL allows), the member emits `self-lost` and registers again with the same id by itself.
   * @returns this server's info, with its id.
   * @throws DiscoveryError `DISCOVERY_ERR_ID_TAKEN` when a fixed id is held by a live server,
   *   `DISCOVERY_ERR_UNAVAILABLE` when the backend cannot be reached, `DISCOVERY_ERR_INVALID_ARGUMENT`,
   *   `DISCOVERY_ERR_ALREADY_REGISTERED`, `DISCOVERY_ERR_NOT_STARTED`.
   */
  register(registration: Registration): Promise<ServerInfo>;
  /**
   * Publishes a new load report for this server (it also becomes {@link Discovery.self}'s load).
   * While the lease is lost the report is kept and published when the server is registered again.
   * @throws DiscoveryError `DISCOVERY_ERR_NOT_REGISTERED` before `register`, `DISCOVERY_ERR_UNAVAILABLE`,
   *   `DISCOVERY_ERR_INVALID_ARGUMENT` for a field that is not a finite number >= 0.
   */
  reportLoad(load: LoadReport): Promise<void>;
  /**
   * Marks this server draining ({@link ServerInfo.draining}): it stays registered, with its lease,
   * its address and its names, and every member sees an `updated` event. Nothing undoes it: a
   * drained server leaves. Load reports and a registration after a lost lease keep the mark.
   * @throws DiscoveryError `DISCOVERY_ERR_NOT_REGISTERED` before `register`, `DISCOVERY_ERR_UNAVAILABLE`
   *   when the backend fails (the mark is kept and written with the next load report).
   */
  markDraining(): Promise<void>;
  /** This server's info once registered. */
  readonly self: ServerInfo | undefined;
  /** Every known live server (this one included), optionally of one type, from the local cache. */
  servers(type?: string): readonly ServerInfo[];
  /** One server from the local cache. */
  server(id: string): ServerInfo | undefined;
  /** Listens for changes; returns a function that stops listening. */
  subscribe(listener: (event: DiscoveryEvent) => void): () => void;
  /**
   * Claims a cluster-wide name for a mailbox on this server, held as long as this server's lease
   * (and re-claimed with it after a loss, unless another server took it meanwhile). Claiming a
   * name this server already holds points it at the new mailbox. Names are 1-256 letters, digits,
   * `.`, `_`, `:`, `@` or `-`, starting with a letter or digit.
   * @returns false when another live mailbox holds the name.
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_NAME`, `DISCOVERY_ERR_INVALID_ARGUMENT` (a mailbox
   *   on another server), `DISCOVERY_ERR_NOT_REGISTERED`, `DISCOVERY_ERR_UNAVAILABLE` (also while
   *   the lease is lost).
   */
  claimName(name: string, mailbox: Mailbox): Promise<boolean>;
  /**
   * Gives a name back; no-op when this server does not hold it.
   * @throws DiscoveryError `DISCOVERY_ERR_INVALID_NAME`, `DISCOVERY_ERR_UNAVAILABLE`.
   */
  releaseName(name: string): Promise<void>;
  /** The mailbox a name points at, from the local cache. */
  resolveName(name: string): Mailbox | undefined;
  /** What this member did with its lease so far. */
  stats(): DiscoveryStats;
}
