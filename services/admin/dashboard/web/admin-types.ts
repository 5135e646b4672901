/**
 * What the admin API answers (docs/operations.md), as the dashboard reads it: only the fields it
 * shows. Every route is under `/admin` on the page's own origin. admin-types.test.ts checks that
 * what the API's routes return (services/admin/) fits these.
 */

/** `POST /admin/login`. */
export interface AdminLogin {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  account: { uid: string; username: string };
}

/** A server's load as discovery last saw it. */
export interface ServerLoad {
  sessions: number;
  entities: number;
  /** p99 over the last report interval. */
  eventLoopLagMs: number;
  /** Cores busy over the last report interval (1: one core). */
  cpu: number;
}

/** One server of `GET /admin/servers`. */
export interface ServerInfo {
  id: string;
  type: string;
  host: string;
  address: string;
  version: string;
  /** Epoch milliseconds. */
  startedAt: number;
  load: ServerLoad;
  draining: boolean;
}

/** One server of `GET /admin/stats`: `ok` false when it did not answer in time (the rest then absent). */
export interface ServerStats {
  id: string;
  type: string;
  ok: boolean;
  sessions?: number;
  entities?: number;
  /** Cores busy since the last sample (1: one core). */
  cpu?: number;
  eventLoopLagMs?: number;
  tickMs?: { mean: number; max: number; p99?: number };
  tickOverruns?: number;
  heapUsedBytes?: number;
  rpcPendingCalls?: number;
}

/** `GET /admin/stats`. */
export interface ClusterStats {
  /** Epoch milliseconds of the sample. */
  at: number;
  servers: ServerStats[];
}

/** `GET /admin/sessions`. */
export interface SessionInfo {
  account: string;
  username?: string;
  online: boolean;
  gate?: string;
  session?: string;
  lobby?: string;
  /** The id of the account's avatar on that lobby. */
  avatar?: string;
  space?: string;
}

/** `POST /admin/messages`. */
export interface MessageResult {
  delivered: number;
  offline: number;
}
