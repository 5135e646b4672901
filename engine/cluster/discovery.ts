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

/** Membership, load reports and named mailboxes of one cluster. */
export interface Discovery extends Module {
  /**
   * Registers this server under a lease and keeps it alive until {@link Module.stop}. Must be
   * called after `start()`, once.
   * @returns this server's info, with its id.
   * @throws DiscoveryError (`DISCOVERY_ERR_ID_TAKEN`) when a fixed id is held by a live server.
   */
  register(registration: Registration): Promise<ServerInfo>;
  /** Publishes a new load report for this server. */
  reportLoad(load: LoadReport): Promise<void>;
  /** This server's info once registered. */
  readonly self: ServerInfo | undefined;
  /** Every known live server (this one included), optionally of one type, from the local cache. */
  servers(type?: string): readonly ServerInfo[];
  /** One server from the local cache. */
  server(id: string): ServerInfo | undefined;
  /** Listens for changes; returns a function that stops listening. */
  subscribe(listener: (event: DiscoveryEvent) => void): () => void;
  /**
   * Claims a cluster-wide name for a mailbox on this server, held as long as this server's lease.
   * @returns false when another live mailbox holds the name.
   */
  claimName(name: string, mailbox: Mailbox): Promise<boolean>;
  /** Gives a name back; no-op when this server does not hold it. */
  releaseName(name: string): Promise<void>;
  /** The mailbox a name points at, from the local cache. */
  resolveName(name: string): Mailbox | undefined;
}
