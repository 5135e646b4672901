/**
 * The RPC contract of the `admin` service every server answers (engine/admin/admin-service.ts),
 * which the admin API on the services role (services/admin/) calls: live figures, a session's
 * place, a broadcast, a drain, the gate's route rules, a live entity, a reload of the game's code. What a server does not host
 * (a gate's sessions on a lobby, say) it answers with `undefined` or 0.
 */
import type { TickSummary } from '../ecs/recent-ticks.js';

/** The service's name on every server. */
export const ADMIN_SERVICE = 'admin';

/** Its callable methods. */
export const ADMIN_METHODS = ['stats', 'session', 'where', 'broadcast', 'beginDrain', 'reloadRules', 'entity', 'reload'] as const;

/** One server's live figures, as `stats()` answers them. */
export interface ServerStats {
  /** Sessions held (gate) or hosted (lobby). */
  sessions: number;
  /** Live entities of a lobby. */
  entities: number;
  /** CPU since the previous `stats()` (or start), in cores. */
  cpu: number;
  /** p99 event-loop delay since the previous `stats()`, in milliseconds. */
  eventLoopLagMs: number;
  /** A lobby's latest step durations (its world and spaces), in milliseconds; absent before a step and on other roles. */
  tickMs?: { mean: number; max: number; p99: number };
  /** A lobby's steps that took longer than one interval, since start; absent on other roles. */
  tickOverruns?: number;
  heapUsedBytes: number;
  rpcPendingCalls: number;
  /** The server's lifecycle state (`ready`, `draining`, ...). */
  state: string;
}

/** A gate's session, as `session(sessionId)` answers it. */
export interface GateSessionInfo {
  uid: string;
  /** The lobby it is bound to, if bound. */
  lobby?: string;
}

/** Where a lobby hosts an account's avatar, as `where(uid)` answers it. */
export interface AvatarPlace {
  /** The avatar's entity id. */
  entity: string;
  /** The space it is in; absent in the lobby's own world. */
  space?: string;
}

/** A live entity, as `entity(id)` answers it. */
export interface LiveEntity {
  type: string;
  /** Its persistent fields by component. */
  state: Record<string, unknown>;
}

/** What a gate lends the admin service. */
export interface GateAdmin {
  readonly sessionCount: number;
  session(sessionId: string): GateSessionInfo | undefined;
  /** Pushes `body` (msgpack bytes) on `route` to every session; returns how many. */
  broadcast(route: string, body: Uint8Array): Promise<number>;
  /** Replaces the route rules (with `rules`, else those of the configuration files) and returns them. */
  reloadRules(rules: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>>;
}

/**
 * What a lobby's reload of its game code did (`LobbyModule.reload`, the `admin.reload` call): the
 * new code runs when `ok`; otherwise the old code still runs, untouched, and `refused` says why
 * (only a failure part way through the swap itself, which the checks before it rule out, says in
 * `refused` that the lobby may run part of the new code and must be restarted).
 */
export interface ReloadReport {
  /** True when the new code runs now. */
  ok: boolean;
  /** How many reloads this lobby has applied since it started (the first applied one is 1). */
  generation: number;
  /** What took new code: `entity Hero`, `component Health`, `system movement`, `service arena`, ... */
  changed: string[];
  /** Why nothing changed: each change that cannot be applied live, named, or the load's error. Empty when `ok`. */
  refused: string[];
  /** How long the lobby held its ticks for the swap, in milliseconds. */
  swapMs: number;
}

/** What a lobby lends the admin service. */
export interface LobbyAdmin {
  readonly sessionCount: number;
  readonly entityCount: number;
  /** The latest steps' durations and the overruns since start; undefined before the first step. */
  tick(): TickSummary | undefined;
  where(uid: string): AvatarPlace | undefined;
  entity(id: string): LiveEntity | undefined;
  /** Reloads the game's code from its module (lobby/reload/); never rejects: a failure is a report with `ok` false. */
  reload?(): Promise<ReloadReport>;
}
